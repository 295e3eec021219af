// Fast decimal parsing straight from payload bytes. The chart needs numbers and the journal
// keeps the text as received, so the hot path reads bytes once and allocates nothing.

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22
]

/**
 * Parses bytes[start, end) as a decimal number. Returns NaN when the bytes are not a plain
 * finite number. Integer mantissas below 2^53 divided by an exact power of ten are correctly
 * rounded (the same result as parseFloat); anything else falls back to parseFloat.
 */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && isSpace(bytes[start])) start++
  while (end > start && isSpace(bytes[end - 1])) end--
  if (start >= end) return NaN
  let i = start
  let negative = false
  const first = bytes[i]
  if (first === 45 /* - */ || first === 43 /* + */) {
    negative = first === 45
    i++
  }
  let mantissa = 0
  let digits = 0
  let scale = 0
  let seenDot = false
  for (; i < end; i++) {
    const c = bytes[i]
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48)
      digits++
      if (seenDot) scale++
    } else if (c === 46 /* . */ && !seenDot) {
      seenDot = true
    } else {
      return slowParse(bytes, start, end)
    }
  }
  if (digits === 0) return NaN
  if (digits > 15 || scale > 22) return slowParse(bytes, start, end)
  const value = scale === 0 ? mantissa : mantissa / POW10[scale]
  return negative ? -value : value
}

function slowParse(bytes: Uint8Array, start: number, end: number): number {
  let text = ''
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i])
  // Number() rejects trailing garbage that parseFloat would silently accept ("12abc").
  // Number() also accepts hex/binary/octal ("0x10" = 16) and trims Unicode spaces: refuse those.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return NaN
  const value = Number(text)
  return Number.isFinite(value) ? value : NaN
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13
}

/**
 * True when bytes[start, end) are exactly what String() prints for the number they hold, so
 * the bytes can stand for that text: a plain decimal with no sign but '-', no leading or
 * trailing zeros, no exponent, at most 15 significant digits (these round-trip through a
 * double unchanged) and not below 1e-6 (printed with an exponent). A sensor's reading usually
 * is one; String() of it would make a string per message for the collector.
 */
export function isPrintedNumber(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start
  if (i < end && bytes[i] === 45 /* - */) i++
  if (i >= end) return false
  let significant = 0
  let leadingZeros = 0
  if (bytes[i] === 48 /* 0 */) {
    i++
    if (i === end) return bytes[start] !== 45 // "-0" prints as "0"
    if (bytes[i] !== 46) return false
    // "0.000123": the zeros after the point are not significant, and six of them print as 1e-7.
    for (i++; i < end && bytes[i] === 48; i++) leadingZeros++
    if (leadingZeros > 5 || i === end) return false
  } else {
    for (; i < end && bytes[i] >= 48 && bytes[i] <= 57; i++) significant++
    if (significant === 0) return false
    if (i === end) return significant <= 15
    if (bytes[i] !== 46) return false
    i++
  }
  const fraction = i
  for (; i < end && bytes[i] >= 48 && bytes[i] <= 57; i++) significant++
  return i === end && i > fraction && bytes[end - 1] !== 48 && significant <= 15
}

/** Formats a number for the journal and CSV the way JavaScript prints it. */
export function numberText(value: number): string {
  return String(value)
}
