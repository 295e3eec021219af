// Numbers to the journal's text without String(): binary decoders (CBOR, MessagePack,
// protobuf, structs, Sparkplug) turn every value into text, and String(double) costs more
// than decoding the whole message. Every text written here parses back to the same double.

const POW10: number[] = []
for (let i = 0; i <= 22; i++) POW10.push(Number(`1e${i}`))
const SAFE = 9007199254740992 // 2^53
/** Decimals tried before falling back to String(): enough for readings, short enough to be quick. */
const MAX_DECIMALS = 9

/**
 * Writes `v` as decimal text at `pos` and returns the position after it; NaN writes nothing
 * (a missing value). The digits are the fewest decimals that give back exactly `v`, the same
 * as String(v) except that it never uses exponent notation for values it handles itself.
 * `buf` must have room for 32 bytes at `pos`.
 */
export function writeNumber(buf: Uint8Array, pos: number, v: number): number {
  if (v !== v) return pos
  const abs = v < 0 ? -v : v
  if (abs < SAFE) {
    if (Math.floor(v) === v) return writeScaled(buf, pos, v, 0)
    // If any number of decimals up to the most gives v back, the most does too: one test
    // sends the full-precision values (most computed doubles) straight to String().
    const most = POW10[MAX_DECIMALS]
    const m = Math.round(v * most)
    if (m / most !== v || m >= SAFE || m <= -SAFE) return writeString(buf, pos, v)
    for (let d = 1; d <= MAX_DECIMALS; d++) {
      const scale = POW10[d]
      const m = Math.round(v * scale)
      if (m / scale === v) {
        if (m >= SAFE || m <= -SAFE) break
        return writeScaled(buf, pos, m, d)
      }
    }
  }
  return writeString(buf, pos, v)
}

function writeString(buf: Uint8Array, pos: number, v: number): number {
  const text = String(v)
  for (let i = 0; i < text.length; i++) buf[pos++] = text.charCodeAt(i)
  return pos
}

/** Writes the integer m with a decimal point `decimals` digits from the right. */
function writeScaled(buf: Uint8Array, pos: number, m: number, decimals: number): number {
  if (m < 0) {
    buf[pos++] = 45 // -
    m = -m
  }
  // Digits right to left into place: count them first.
  let digits = 1
  while (digits < 16 && m >= POW10[digits]) digits++
  if (digits <= decimals) digits = decimals + 1 // 0.05: a leading zero
  const end = pos + digits + (decimals > 0 ? 1 : 0)
  let at = end
  let x = m
  for (let i = 0; i < digits; i++) {
    if (decimals > 0 && i === decimals) buf[--at] = 46 // .
    // Small integers divide as 32-bit ones, which is quicker.
    const q = x < 2147483648 ? (x / 10) | 0 : Math.floor(x / 10)
    buf[--at] = 48 + (x - q * 10)
    x = q
  }
  return end
}

/**
 * The shortest decimal that is the same 32-bit float as `f` (22.31 rather than the
 * 22.309999465942383 a float32 holds): what the sender meant, and still exact as a float32.
 */
export function shortestFloat32(f: number): number {
  const abs = f < 0 ? -f : f
  if (abs >= 1e-3 && abs < 1e7) {
    // Readings live here: the fewest decimals, no logarithm needed.
    for (let d = 0; d <= 12; d++) {
      const scale = POW10[d]
      const n = Math.round(f * scale) / scale
      if (Math.fround(n) === f) return n
    }
    return f
  }
  return shortestDecimal(f, 9, (n) => Math.fround(n) === f)
}

/** The same for a 16-bit float (struct type `e`): 0.1 rather than 0.0999755859375. */
export function shortestHalf(h: number): number {
  const abs = Math.abs(h)
  if (abs === 0 || !Number.isFinite(h)) return h
  // Values round to h when closer to it than half the gap to its neighbours (the smaller
  // gap below a power of two); ties are left out, which at worst costs a digit.
  const exponent = Math.max(Math.floor(Math.log2(abs)), -14)
  const gap = 2 ** (exponent - 10)
  const halfGap = (abs === 2 ** exponent && exponent > -14 ? gap / 2 : gap) / 2
  return shortestDecimal(h, 5, (n) => Math.abs(n - h) < halfGap)
}

function shortestDecimal(f: number, maxDigits: number, same: (n: number) => boolean): number {
  if (f === 0 || !Number.isFinite(f)) return f
  const exponent = Math.floor(Math.log10(f < 0 ? -f : f))
  for (let digits = 1; digits <= maxDigits; digits++) {
    const k = digits - 1 - exponent
    let n: number
    if (k >= 0 && k <= 22) n = Math.round(f * POW10[k]) / POW10[k]
    else if (k < 0 && -k <= 22) n = Math.round(f / POW10[-k]) * POW10[-k]
    else n = Number(f.toPrecision(digits)) // far from 1: rare, so the slow way is fine
    if (same(n)) return n
  }
  return f
}

/** A 16-bit IEEE 754 float from its bits. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >> 10) & 0x1f
  const fraction = bits & 0x3ff
  if (exponent === 0) return sign * fraction * 2 ** -24
  if (exponent === 31) return fraction ? NaN : sign * Infinity
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15)
}

/** A growable byte buffer for one message's row texts; reused from message to message. */
export class TextBuffer {
  bytes = new Uint8Array(256)
  length = 0

  reset(): void {
    this.length = 0
  }

  /** Room for `n` more bytes; earlier rows keep the old buffer, which stays valid. */
  ensure(n: number): void {
    if (this.length + n <= this.bytes.length) return
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n))
    next.set(this.bytes.subarray(0, this.length))
    this.bytes = next
  }

  /** Appends the values comma-joined (NaN as empty) and returns where they start. */
  appendValues(values: readonly number[]): number {
    this.ensure(values.length * 33)
    const buf = this.bytes
    const start = this.length
    let pos = start
    for (let i = 0; i < values.length; i++) {
      if (i > 0) buf[pos++] = 44
      pos = writeNumber(buf, pos, values[i])
    }
    this.length = pos
    return start
  }
}
