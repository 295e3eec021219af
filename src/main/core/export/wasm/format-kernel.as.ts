// AssemblyScript, compiled to WebAssembly by compile-kernel.ts (not part of the tsc build).
// The export's hot loop: journal MESSAGE records in, wide CSV rows out, for the common case
// (a topic whose fields are consecutive columns, a time between 1970 and 9999). At anything
// else the loop stops and the JavaScript formatter takes that record: the same bytes.
//
// The record layout (HEADER, MESSAGE_TYPE, T_AT, TOPIC_AT, SET_AT, TEXT_AT, TEXT_LENGTH_AT)
// is declared ahead of this file by compile-kernel.ts, from journal-format.ts.
//
// Memory (the host reads the bases from the exported constants):
//   ROW_HEAD    the current second's `YYYY-MM-DDTHH:MM:SS.___Z,<epoch>___`
//   TOPICS      per id: u32 tail offset, u32 tail length (0 = unknown, SKIP = filtered out)
//   FIELDSETS   per id: i32 first column + 1 (0 = the host's job), i32 trailing commas
//   FRAC_TABLE  "000Z" to "999Z"
//   TAILS       each topic's `,<connection>,<topic>,`; then the host's buffers

const SKIP: u32 = 0xffffffff
const ROW_HEAD: usize = 0
export const TOPICS: usize = 64
export const MAX_IDS: u32 = 65536
export const FIELDSETS: usize = TOPICS + <usize>MAX_IDS * 8
const FRAC_TABLE: usize = FIELDSETS + <usize>MAX_IDS * 8
export const TAILS: usize = FRAC_TABLE + 4000
/** Filled on the first call: the host grows the memory to hold it. */
let fracReady = false

/** The first millisecond of the head's second; NaN before the first head. */
let headMs: f64 = NaN
let headLen: usize = 0

/** "000Z" to "999Z" as little-endian words: a row's milliseconds in one load. */
function fillFracTable(): void {
  for (let i: u32 = 0; i < 1000; i++) {
    const word = (48 + i / 100) | ((48 + (i / 10) % 10) << 8) | ((48 + (i % 10)) << 16) | (90 << 24)
    store<u32>(FRAC_TABLE + (<usize>i << 2), word)
  }
  fracReady = true
}

@inline function digits(at: usize, value: i64, width: i32): void {
  let v = value
  for (let i = width - 1; i >= 0; i--) {
    store<u8>(at + <usize>i, <u8>(48 + (v % 10)))
    v /= 10
  }
}

/**
 * Copies up to 32 bytes as two 16-byte copies, reading and writing up to 31 bytes past the
 * end: where the next piece goes, and within the room the host keeps after its buffers.
 */
@inline function copyShort(dst: usize, src: usize, length: usize): void {
  if (length <= 32) {
    v128.store(dst, v128.load(src))
    v128.store(dst + 16, v128.load(src + 16))
  } else {
    memory.copy(dst, src, length)
  }
}

function buildHead(second: i64): void {
  headMs = <f64>second * 1000
  const days = second / 86400
  // H. Hinnant's days -> civil date, for days >= 0 (1970 onwards).
  const z = days + 719468
  const era = z / 146097
  const doe = z - era * 146097
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
  const mp = (5 * doy + 2) / 153
  const d = doy - (153 * mp + 2) / 5 + 1
  const mo = mp < 10 ? mp + 3 : mp - 9
  const y = yoe + era * 400 + (mo <= 2 ? 1 : 0)
  const sod = second - days * 86400
  digits(ROW_HEAD, y, 4)
  store<u8>(ROW_HEAD + 4, 45)
  digits(ROW_HEAD + 5, mo, 2)
  store<u8>(ROW_HEAD + 7, 45)
  digits(ROW_HEAD + 8, d, 2)
  store<u8>(ROW_HEAD + 10, 84)
  digits(ROW_HEAD + 11, sod / 3600, 2)
  store<u8>(ROW_HEAD + 13, 58)
  digits(ROW_HEAD + 14, (sod / 60) % 60, 2)
  store<u8>(ROW_HEAD + 16, 58)
  digits(ROW_HEAD + 17, sod % 60, 2)
  store<u8>(ROW_HEAD + 19, 46)
  store<u8>(ROW_HEAD + 24, 44)
  let width: i32 = 1
  let v = second
  while (v >= 10) {
    v /= 10
    width++
  }
  digits(ROW_HEAD + 25, second, width)
  headLen = 25 + <usize>width + 3
}

/** Where the last call stopped writing, and how many rows it wrote. */
export let outPos: usize = 0
export let rowsDone: u32 = 0

/**
 * Formats records from p up to end into out (not past outLimit). Returns the address of the
 * first record it did not take: end when all were taken.
 */
export function formatWide(p: usize, end: usize, out: usize, outLimit: usize, fromMs: f64, toMs: f64): usize {
  rowsDone = 0
  if (!fracReady) fillFracTable()
  while (p < end) {
    const length = <usize>load<u32>(p)
    const body = p + HEADER
    const next = body + length
    if (load<u8>(body) != MESSAGE_TYPE) break // a definition: the host reads it
    const t = load<f64>(body + T_AT)
    if (t >= fromMs && t <= toMs) {
      const topicId = load<u32>(body + TOPIC_AT)
      const setId = load<u32>(body + SET_AT)
      if (topicId >= MAX_IDS || setId >= MAX_IDS) break
      const tailWord = load<u32>(TOPICS + <usize>topicId * 8 + 4)
      if (tailWord == 0) break // a topic the host has not described
      if (tailWord != SKIP) {
        const tailLen = <usize>tailWord
        const block = load<i32>(FIELDSETS + <usize>setId * 8) - 1
        if (block < 0) break // scattered columns or an unknown set: the host's job
        const trailing = <usize>load<i32>(FIELDSETS + <usize>setId * 8 + 4)
        const textLen = <usize>load<u32>(body + TEXT_LENGTH_AT)
        if (out + 64 + tailLen + <usize>block + textLen + trailing + 2 > outLimit) break
        const ms = Math.floor(t)
        let frac = ms - headMs
        // A new second (or no head yet: NaN) gets its head; times before 1970-01-01T00:00:01
        // or after 9999 are left to the host.
        if (!(frac >= 0 && frac < 1000)) {
          if (ms < 1000 || ms >= 253402300800000) break
          buildHead(<i64>ms / 1000)
          frac = ms - headMs
        }
        // "mmmZ" after the seconds, and again after epoch_ms (the tail's comma covers the Z).
        const msDigits = load<u32>(FRAC_TABLE + (<usize><i32>frac << 2))
        // The head is at most 43 bytes: three fixed 16-byte copies, no loop.
        v128.store(out, v128.load(ROW_HEAD))
        v128.store(out + 16, v128.load(ROW_HEAD + 16))
        v128.store(out + 32, v128.load(ROW_HEAD + 32))
        store<u32>(out + 20, msDigits)
        store<u32>(out + headLen - 3, msDigits)
        out += headLen
        copyShort(out, <usize>load<u32>(TOPICS + <usize>topicId * 8), tailLen)
        out += tailLen
        if (block > 0) {
          memory.fill(out, 44, <usize>block)
          out += <usize>block
        }
        copyShort(out, body + TEXT_AT, textLen)
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
