// AssemblyScript, compiled to WebAssembly by compile-kernel.mjs (not part of the tsc build).
// The export's hot loop: journal MESSAGE records in, wide CSV rows out, for the common case
// (a topic whose fields are consecutive columns, a time between 1970 and 9999). Anything
// else — definitions, scattered columns, other times — stops the loop at that record and
// the JavaScript formatter takes it, so both produce the same bytes.
//
// Memory map (byte addresses), shared with format-kernel.ts:
//   HEAD        64 B   the row head of the current second: YYYY-MM-DDTHH:MM:SS.mmmZ,<epoch>mmm
//   TOPICS      ids < MAX_IDS: u32 tail offset, u32 tail length (0 = unknown: the host
//               takes the record; SKIP = filtered out)
//   FIELDSETS   ids < MAX_IDS: i32 first column + 1 (0 = unknown or not consecutive: the
//               host takes the record), i32 trailing commas
//   TAILS       `,<connection>,<topic>,` bytes of each topic
//   then the input and output buffers, placed by the host.

const SKIP: u32 = 0xffffffff
const HEAD: usize = 0
const TOPICS: usize = 64
const MAX_IDS: u32 = 65536
const FIELDSETS: usize = TOPICS + <usize>MAX_IDS * 8

let headSecond: i64 = -1
let headLen: usize = 0
let cachedDay: i64 = -1
let y: i64 = 1970
let mo: i64 = 1
let d: i64 = 1

export function fieldsetBase(): usize {
  return FIELDSETS
}

export function topicBase(): usize {
  return TOPICS
}

export function tailsBase(): usize {
  return FIELDSETS + <usize>MAX_IDS * 8
}

export function maxIds(): u32 {
  return MAX_IDS
}

@inline function digits(at: usize, value: i64, width: i32): void {
  let v = value
  for (let i = width - 1; i >= 0; i--) {
    store<u8>(at + <usize>i, <u8>(48 + (v % 10)))
    v /= 10
  }
}

/**
 * Copies a short run 8 bytes at a time, up to 7 bytes past its end: cheaper than a
 * memory.copy call for the 5-40 byte pieces of a row. The overshoot lands where the next
 * piece is written (the host keeps a reserve at the end of the output).
 */
@inline function copyShort(dst: usize, src: usize, length: usize): void {
  if (length > 64) {
    memory.copy(dst, src, length)
    return
  }
  for (let i: usize = 0; i < length; i += 8) store<u64>(dst + i, load<u64>(src + i))
}

function civil(days: i64): void {
  // H. Hinnant's days -> civil date, for days >= 0 (1970 onwards).
  const z = days + 719468
  const era = z / 146097
  const doe = z - era * 146097
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
  const mp = (5 * doy + 2) / 153
  d = doy - (153 * mp + 2) / 5 + 1
  mo = mp < 10 ? mp + 3 : mp - 9
  y = yoe + era * 400 + (mo <= 2 ? 1 : 0)
}

function buildHead(second: i64): void {
  headSecond = second
  const days = second / 86400
  if (days != cachedDay) {
    cachedDay = days
    civil(days)
  }
  const sod = second - days * 86400
  digits(HEAD, y, 4)
  store<u8>(HEAD + 4, 45)
  digits(HEAD + 5, mo, 2)
  store<u8>(HEAD + 7, 45)
  digits(HEAD + 8, d, 2)
  store<u8>(HEAD + 10, 84)
  digits(HEAD + 11, sod / 3600, 2)
  store<u8>(HEAD + 13, 58)
  digits(HEAD + 14, (sod / 60) % 60, 2)
  store<u8>(HEAD + 16, 58)
  digits(HEAD + 17, sod % 60, 2)
  store<u8>(HEAD + 19, 46)
  store<u8>(HEAD + 23, 90)
  store<u8>(HEAD + 24, 44)
  let width: i32 = 1
  let v = second
  while (v >= 10) {
    v /= 10
    width++
  }
  digits(HEAD + 25, second, width)
  headLen = 25 + <usize>width + 3
}

let outPos: usize = 0
let rowsDone: u32 = 0

/** Where the last call stopped writing, and how many rows it wrote. */
export function outPosition(): usize {
  return outPos
}

export function rowCount(): u32 {
  return rowsDone
}

/**
 * Formats records from p up to end into out (not past outLimit). Returns the address of the
 * first record it did not take: end when all were taken.
 */
export function formatWide(p: usize, end: usize, out: usize, outLimit: usize, fromMs: f64, toMs: f64): usize {
  rowsDone = 0
  while (p < end) {
    const length = <usize>load<u32>(p)
    const body = p + 8
    const next = body + length
    if (load<u8>(body) != 3) break // a definition: the host reads it
    const t = load<f64>(body + 1)
    if (t >= fromMs && t <= toMs) {
      const topicId = load<u32>(body + 9)
      const setId = load<u32>(body + 13)
      if (topicId >= MAX_IDS || setId >= MAX_IDS) break
      const tailWord = load<u32>(TOPICS + <usize>topicId * 8 + 4)
      if (tailWord == 0) break // a topic the host has not described
      if (tailWord != SKIP) {
        const tailLen = <usize>tailWord
        const block = load<i32>(FIELDSETS + <usize>setId * 8) - 1
        if (block < 0) break // scattered columns or an unknown set: the host's job
        const trailing = <usize>load<i32>(FIELDSETS + <usize>setId * 8 + 4)
        const ms = Math.floor(t)
        if (ms < 1000 || ms >= 253402300800000) break // before 1970 or after 9999
        const textLen = next - (body + 17)
        if (out + 64 + tailLen + <usize>block + textLen + trailing + 2 > outLimit) break
        const msi = <i64>ms
        let frac = msi - headSecond * 1000
        if (frac < 0 || frac >= 1000) {
          buildHead(msi / 1000)
          frac = msi - headSecond * 1000
        }
        const d0 = <u8>(48 + frac / 100)
        const d1 = <u8>(48 + (frac / 10) % 10)
        const d2 = <u8>(48 + (frac % 10))
        store<u8>(HEAD + 20, d0)
        store<u8>(HEAD + 21, d1)
        store<u8>(HEAD + 22, d2)
        const ms2 = HEAD + headLen - 3
        store<u8>(ms2, d0)
        store<u8>(ms2 + 1, d1)
        store<u8>(ms2 + 2, d2)
        copyShort(out, HEAD, headLen)
        out += headLen
        copyShort(out, <usize>load<u32>(TOPICS + <usize>topicId * 8), tailLen)
        out += tailLen
        // Most rows need no padding commas: skip the calls rather than fill zero bytes.
        if (block > 0) {
          memory.fill(out, 44, <usize>block)
          out += <usize>block
        }
        copyShort(out, body + 17, textLen)
        out += textLen
        if (trailing > 0) {
          memory.fill(out, 44, trailing)
          out += trailing
        }
        store<u16>(out, 0x0a0d)
        out += 2
        rowsDone++
      }
    }
    p = next
  }
  outPos = out
  return p
}
