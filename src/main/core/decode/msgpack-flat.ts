// A MessagePack payload that is one map of the usual shape, read into a FlatMap: text keys,
// and values that are integers up to 32 bits, float32/float64, booleans, nil, ASCII text,
// binary or such maps again. Anything else (arrays, extensions, 64-bit integers, non-ASCII
// text, a length past the end, bytes after the map) returns false, and the payload goes
// through the safety scan and the library as before.
import {
  FlatMap,
  float32Rounded,
  float64,
  KIND_BOOLEAN,
  KIND_MAP,
  KIND_NULL,
  KIND_NUMBER,
  KIND_OTHER,
  MAX_FLAT_DEPTH
} from './flat-map'

/** A big-endian unsigned integer of 1, 2 or 4 bytes. */
function uint(b: Uint8Array, at: number, size: number): number {
  if (size === 1) return b[at]
  if (size === 2) return (b[at] << 8) | b[at + 1]
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0
}

export function readMsgpackMap(b: Uint8Array, flat: FlatMap): boolean {
  flat.reset()
  const n = b.length
  if (n === 0) return false
  const c = b[0]
  let entries: number
  let pos = 1
  if (c >= 0x80 && c <= 0x8f) entries = c & 0x0f
  else if (c === 0xde || c === 0xdf) {
    const size = c === 0xde ? 2 : 4
    if (pos + size > n) return false
    entries = uint(b, pos, size)
    pos += size
  } else return false
  if (map(b, pos, entries, 0, '', flat) !== n) return false
  flat.done()
  return true
}

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
    // The key: text.
    let k = b[pos++]
    let length: number
    if (k >= 0xa0 && k <= 0xbf) length = k & 0x1f
    else if (k >= 0xd9 && k <= 0xdb) {
      const size = 1 << (k - 0xd9)
      if (pos + size > n) return -1
      length = uint(b, pos, size)
      pos += size
    } else return -1
    if (length > n - pos) return -1
    const i = flat.add(b, pos, pos + length, depth, prefix, first)
    if (i < 0) return -1
    pos += length
    if (pos >= n) return -1
    // The value.
    k = b[pos++]
    let size = 0
    if (k <= 0x7f || k >= 0xe0) {
      kinds[i] = KIND_NUMBER
      values[i] = k <= 0x7f ? k : k - 256
      continue
    }
    if (k <= 0x8f || k === 0xde || k === 0xdf) {
      let count = k & 0x0f
      if (k >= 0xde) {
        size = k === 0xde ? 2 : 4
        if (pos + size > n) return -1
        count = uint(b, pos, size)
        pos += size
      }
      if (depth + 1 > MAX_FLAT_DEPTH || count * 2 > n - pos) return -1
      kinds[i] = KIND_MAP
      pos = map(b, pos, count, depth + 1, flat.path[i], flat)
      if (pos < 0) return -1
      flat.end[i] = flat.count
      continue
    }
    let text = false
    switch (k) {
      case 0xc0:
        kinds[i] = KIND_NULL
        continue
      case 0xc2:
      case 0xc3:
        kinds[i] = KIND_BOOLEAN
        values[i] = k === 0xc3 ? 1 : 0
        continue
      case 0xca:
        if (pos + 4 > n) return -1
        kinds[i] = KIND_NUMBER
        values[i] = float32Rounded(b, pos)
        pos += 4
        continue
      case 0xcb:
        if (pos + 8 > n) return -1
        kinds[i] = KIND_NUMBER
        values[i] = float64(b, pos)
        pos += 8
        continue
      case 0xcc:
      case 0xcd:
      case 0xce:
      case 0xd0:
      case 0xd1:
      case 0xd2: {
        size = 1 << ((k - 0xcc) % 4)
        if (pos + size > n) return -1
        let v = uint(b, pos, size)
        if (k >= 0xd0) v = size === 1 ? (v << 24) >> 24 : size === 2 ? (v << 16) >> 16 : v | 0
        kinds[i] = KIND_NUMBER
        values[i] = v
        pos += size
        continue
      }
      case 0xc4:
      case 0xc5:
      case 0xc6:
        size = 1 << (k - 0xc4)
        break
      case 0xd9:
      case 0xda:
      case 0xdb:
        size = 1 << (k - 0xd9)
        text = true
        break
      default:
        if (k >= 0xa0 && k <= 0xbf) {
          text = true
          break
        }
        return -1
    }
    // Text or binary: a length, then the bytes.
    if (size > 0) {
      if (pos + size > n) return -1
      length = uint(b, pos, size)
      pos += size
    } else length = k & 0x1f
    if (length > n - pos) return -1
    // Text is decoded by the library, which may refuse it: plain ASCII is always taken.
    if (text) for (let x = pos; x < pos + length; x++) if (b[x] >= 128) return -1
    kinds[i] = KIND_OTHER
    pos += length
  }
  return pos
}
