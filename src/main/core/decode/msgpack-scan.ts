// MessagePack checked before the library decodes it, without building anything: declared
// lengths and counts must fit in the bytes that follow, nesting stays within the limit, map
// keys are text or integers, and the only extension allowed is the standard timestamp (the
// library also understands extensions for records, shared references, regular expressions
// and errors, none of which a reading needs).
import { MAX_NESTING } from '../limits'
import { fmtBytes } from './types'

const TIMESTAMP_EXT = -1

// The open arrays and maps, as stacks reused by every call: entries left, entries seen, map.
const left = new Int32Array(MAX_NESTING + 1)
const seen = new Int32Array(MAX_NESTING + 1)
const isMap = new Uint8Array(MAX_NESTING + 1)

/** Null when the payload is one well-formed MessagePack value we decode, else the reason. */
export function checkMsgpack(b: Uint8Array): string | null {
  const n = b.length
  if (n === 0) return 'empty payload'
  let pos = 0
  let depth = 0
  for (;;) {
    if (pos >= n) return truncated(n)
    const top = depth - 1
    const keyPosition = top >= 0 && isMap[top] && (seen[top] & 1) === 0
    const c = b[pos++]
    let container = -1 // entries of an array or map that starts here
    let map = false
    let bytes = 0 // bytes of payload that follow the header (strings, binaries, numbers)
    let what = ''
    if (c <= 0x7f || c >= 0xe0) {
      // positive or negative fixint
    } else if (c <= 0x8f) {
      container = c & 0x0f
      map = true
    } else if (c <= 0x9f) {
      container = c & 0x0f
    } else if (c <= 0xbf) {
      bytes = c & 0x1f
      what = 'text'
    } else {
      switch (c) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          break
        case 0xc1:
          return `malformed MessagePack: byte 0xc1 at byte ${pos - 1} is never used`
        case 0xc4:
        case 0xc5:
        case 0xc6:
        case 0xd9:
        case 0xda:
        case 0xdb: {
          const size = c >= 0xd9 ? 1 << (c - 0xd9) : 1 << (c - 0xc4)
          if (pos + size > n) return truncated(n)
          bytes = readUint(b, pos, size)
          pos += size
          what = c >= 0xd9 ? 'text' : 'byte string'
          break
        }
        case 0xc7:
        case 0xc8:
        case 0xc9:
        case 0xd4:
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8: {
          let length: number
          if (c >= 0xd4) length = 1 << (c - 0xd4)
          else {
            const size = 1 << (c - 0xc7)
            if (pos + size > n) return truncated(n)
            length = readUint(b, pos, size)
            pos += size
          }
          if (pos >= n) return truncated(n)
          const type = b[pos] > 127 ? b[pos] - 256 : b[pos]
          pos++
          if (type !== TIMESTAMP_EXT)
            return `MessagePack extension type ${type} is not supported (only timestamps)`
          if (length !== 4 && length !== 8 && length !== 12)
            return `malformed MessagePack: a timestamp of ${length} bytes`
          bytes = length
          what = 'timestamp'
          break
        }
        case 0xca:
        case 0xcb:
        case 0xcc:
        case 0xcd:
        case 0xce:
        case 0xcf:
        case 0xd0:
        case 0xd1:
        case 0xd2:
        case 0xd3:
          bytes = c === 0xca ? 4 : c === 0xcb ? 8 : 1 << ((c - 0xcc) & 3)
          what = 'number'
          break
        case 0xdc:
        case 0xdd:
        case 0xde:
        case 0xdf: {
          const size = c === 0xdc || c === 0xde ? 2 : 4
          if (pos + size > n) return truncated(n)
          container = readUint(b, pos, size)
          pos += size
          map = c >= 0xde
          break
        }
      }
    }
    if (keyPosition) {
      const integer = c <= 0x7f || c >= 0xe0 || (c >= 0xcc && c <= 0xd3)
      if (!integer && what !== 'text') return 'MessagePack map key is not text or a number'
    }
    if (bytes > n - pos) {
      if (what === 'number' || what === 'timestamp') return truncated(n)
      return `MessagePack declares a ${fmtBytes(bytes)} ${what} but the payload has ${fmtBytes(n - pos)} left: refused unread`
    }
    pos += bytes
    if (container > 0) {
      const items = map ? container * 2 : container
      // Every entry takes at least a byte: a count beyond the bytes left is a lie.
      if (items > n - pos)
        return `MessagePack declares ${map ? 'a map' : 'an array'} of ${container.toLocaleString('en-US')} entries but the payload has ${fmtBytes(n - pos)} left: refused unread`
      if (depth >= MAX_NESTING) return `MessagePack nested deeper than ${MAX_NESTING} levels`
      left[depth] = items
      seen[depth] = 0
      isMap[depth] = map ? 1 : 0
      depth++
      continue
    }
    // One item complete: count it in the frames it closes.
    for (;;) {
      const t = depth - 1
      if (t < 0) {
        if (pos !== n) return `MessagePack has ${fmtBytes(n - pos)} after its first value`
        return null
      }
      seen[t]++
      if (--left[t] > 0) break
      depth--
    }
  }
}

function readUint(b: Uint8Array, at: number, size: number): number {
  let v = 0
  for (let i = 0; i < size; i++) v = v * 256 + b[at + i]
  return v
}

function truncated(n: number): string {
  return `truncated MessagePack: the payload (${fmtBytes(n)}) ends inside a value`
}
