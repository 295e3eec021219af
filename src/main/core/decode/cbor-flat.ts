// A CBOR payload that is one map of the usual shape, read into a FlatMap: text keys, and
// values that are integers, float32/float64, booleans, null, undefined, ASCII text, byte
// strings or such maps again. Anything else (arrays, tags, half floats, 64-bit integers,
// indefinite lengths, non-ASCII text, a length past the end, bytes after the map) returns
// false, and the payload goes through the safety scan and the library as before.
import {
  FlatMap,
  float32Rounded,
  float64,
  KIND_BOOLEAN,
  KIND_MAP,
  KIND_NULL,
  KIND_NUMBER,
  KIND_OTHER,
  KIND_UNDEFINED,
  MAX_FLAT_DEPTH
} from './flat-map'

// The argument of the header just read.
let arg = 0

/** Reads a header's argument (info < 28, no 64-bit values): the position after it, or -1. */
function header(b: Uint8Array, pos: number, info: number): number {
  if (info < 24) {
    arg = info
    return pos
  }
  const n = b.length
  switch (info) {
    case 24:
      if (pos + 1 > n) return -1
      arg = b[pos]
      return pos + 1
    case 25:
      if (pos + 2 > n) return -1
      arg = (b[pos] << 8) | b[pos + 1]
      return pos + 2
    case 26:
      if (pos + 4 > n) return -1
      arg = ((b[pos] << 24) | (b[pos + 1] << 16) | (b[pos + 2] << 8) | b[pos + 3]) >>> 0
      return pos + 4
    default:
      return -1
  }
}

export function readCborMap(b: Uint8Array, flat: FlatMap): boolean {
  flat.reset()
  if (b.length === 0 || b[0] >> 5 !== 5) return false
  const pos = header(b, 1, b[0] & 31)
  if (pos < 0) return false
  if (map(b, pos, arg, 0, '', flat) !== b.length) return false
  flat.done()
  return true
}

/** Reads `entries` key/value pairs at `depth`: the position after them, or -1. */
function map(
  b: Uint8Array,
  pos: number,
  entries: number,
  depth: number,
  prefix: string,
  flat: FlatMap
): number {
  const n = b.length
  const first = flat.count
  const kinds = flat.kind
  const values = flat.value
  for (let e = 0; e < entries; e++) {
    if (pos >= n) return -1
    const k = b[pos]
    if (k >> 5 !== 3) return -1
    pos = header(b, pos + 1, k & 31)
    if (pos < 0 || arg > n - pos) return -1
    const i = flat.add(b, pos, pos + arg, depth, prefix, first)
    if (i < 0) return -1
    pos += arg
    if (pos >= n) return -1
    const initial = b[pos++]
    const major = initial >> 5
    const info = initial & 31
    if (major === 7) {
      if (info === 26) {
        if (pos + 4 > n) return -1
        kinds[i] = KIND_NUMBER
        values[i] = float32Rounded(b, pos)
        pos += 4
      } else if (info === 27) {
        if (pos + 8 > n) return -1
        kinds[i] = KIND_NUMBER
        values[i] = float64(b, pos)
        pos += 8
      } else if (info === 20 || info === 21) {
        kinds[i] = KIND_BOOLEAN
        values[i] = info === 21 ? 1 : 0
      } else if (info === 22) kinds[i] = KIND_NULL
      else if (info === 23) kinds[i] = KIND_UNDEFINED
      else return -1
      continue
    }
    pos = header(b, pos, info)
    if (pos < 0) return -1
    if (major === 0 || major === 1) {
      kinds[i] = KIND_NUMBER
      values[i] = major === 0 ? arg : -1 - arg
    } else if (major === 2 || major === 3) {
      if (arg > n - pos) return -1
      // Text is decoded by the library, which may refuse it: plain ASCII is always taken.
      if (major === 3) for (let k = pos; k < pos + arg; k++) if (b[k] >= 128) return -1
      kinds[i] = KIND_OTHER
      pos += arg
    } else if (major === 5) {
      if (depth + 1 > MAX_FLAT_DEPTH || arg * 2 > n - pos) return -1
      kinds[i] = KIND_MAP
      pos = map(b, pos, arg, depth + 1, flat.path[i], flat)
      if (pos < 0) return -1
      flat.end[i] = flat.count
    } else return -1
  }
  return pos
}
