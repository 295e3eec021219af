// CBOR (RFC 8949) checked before the library decodes it, without building anything: a
// declared length or count must fit in the bytes that follow (so a header claiming 4 GB is
// refused before anything is allocated), nesting stays within the limit (the decoder
// recurses), map keys are text or numbers, and only plain tags are allowed (the library also
// understands tags for shared references, records and packed values, which a hostile
// payload could use to make cycles or a lot of work from a few bytes).
import { MAX_NESTING } from '../limits'
import { fmtBytes } from './types'

const INDEFINITE = -1
/** Tags passed to the decoder: date text, epoch date, big integers, "this is CBOR". */
const ALLOWED_TAGS = new Set([0, 1, 2, 3, 55799])
/** Bytes of a big integer (tags 2 and 3): anything wider is not a reading. */
const MAX_BIGNUM_BYTES = 16

// The open containers, as stacks reused by every call: items left (or INDEFINITE), items seen,
// whether it is a map, and for a chunked string the major type of its chunks (else -1).
const left = new Int32Array(MAX_NESTING + 1)
const seen = new Int32Array(MAX_NESTING + 1)
const isMap = new Uint8Array(MAX_NESTING + 1)
const chunks = new Int8Array(MAX_NESTING + 1)

/** Null when the payload is one well-formed CBOR value we decode, else the reason in words. */
export function checkCbor(b: Uint8Array): string | null {
  const n = b.length
  if (n === 0) return 'empty payload'
  let pos = 0
  let depth = 0
  let tagged = false
  for (;;) {
    if (pos >= n) return truncated(n)
    const top = depth - 1
    const initial = b[pos]
    if (top >= 0 && left[top] === INDEFINITE && initial === 0xff) {
      if (isMap[top] && (seen[top] & 1) === 1) return 'malformed CBOR: a map key without a value'
      pos++
      depth--
    } else {
      pos++
      const major = initial >> 5
      const info = initial & 31
      let arg = info
      if (info >= 24 && info <= 27) {
        const size = 1 << (info - 24)
        if (pos + size > n) return truncated(n)
        arg = readUint(b, pos, size)
        pos += size
      } else if (info >= 28 && info <= 30) {
        return `malformed CBOR: reserved header byte 0x${initial.toString(16)} at byte ${pos - 1}`
      }
      const indefinite = info === 31
      if (top >= 0 && chunks[top] >= 0 && (major !== chunks[top] || indefinite))
        return 'malformed CBOR: a chunked string holds something other than chunks'
      if (
        top >= 0 &&
        isMap[top] &&
        (seen[top] & 1) === 0 &&
        major !== 0 &&
        major !== 1 &&
        major !== 3
      )
        return 'CBOR map key is not text or a number'
      if (major === 6) {
        if (tagged) return 'CBOR tag on a tag is not supported'
        if (!ALLOWED_TAGS.has(arg))
          return `CBOR tag ${arg} is not supported (only dates and big numbers)`
        if (
          (arg === 2 || arg === 3) &&
          !(pos < n && b[pos] >> 5 === 2 && (b[pos] & 31) <= MAX_BIGNUM_BYTES)
        )
          return `CBOR big number wider than ${MAX_BIGNUM_BYTES} bytes`
        tagged = true
        continue
      }
      tagged = false
      if (major === 7) {
        if (indefinite) return `malformed CBOR: unexpected "break" at byte ${pos - 1}`
        if (info < 20 || info === 24) return `CBOR simple value ${arg} is not supported`
      } else if (major === 2 || major === 3) {
        if (indefinite) {
          if (depth >= MAX_NESTING) return nestedTooDeep()
          open(depth++, INDEFINITE, 0, major)
          continue
        }
        if (arg > n - pos) return claims(arg, major === 2 ? 'byte string' : 'text', n - pos)
        pos += arg
      } else if (major === 4 || major === 5) {
        const items = indefinite ? INDEFINITE : major === 5 ? arg * 2 : arg
        // Every item takes at least a byte: a count beyond the bytes left is a lie.
        if (items > n - pos)
          return `CBOR declares ${major === 5 ? 'a map' : 'an array'} of ${fmtItems(arg)} but the payload has ${fmtBytes(n - pos)} left: refused unread`
        if (items !== 0) {
          if (depth >= MAX_NESTING) return nestedTooDeep()
          open(depth++, items, major === 5 ? 1 : 0, -1)
          continue
        }
      } else if (indefinite) {
        return `malformed CBOR: an integer cannot have indefinite length (byte ${pos - 1})`
      }
    }
    // One item complete: count it in the containers it closes.
    for (;;) {
      const t = depth - 1
      if (t < 0) {
        if (pos !== n) return `CBOR has ${fmtBytes(n - pos)} after its first value`
        return null
      }
      seen[t]++
      if (left[t] === INDEFINITE) break
      if (--left[t] > 0) break
      depth--
    }
  }
}

function open(at: number, items: number, map: number, chunkMajor: number): void {
  left[at] = items
  seen[at] = 0
  isMap[at] = map
  chunks[at] = chunkMajor
}

function nestedTooDeep(): string {
  return `CBOR nested deeper than ${MAX_NESTING} levels`
}

function readUint(b: Uint8Array, at: number, size: number): number {
  let v = 0
  for (let i = 0; i < size; i++) v = v * 256 + b[at + i]
  return v
}

function truncated(n: number): string {
  return `truncated CBOR: the payload (${fmtBytes(n)}) ends inside a value`
}

function claims(length: number, what: string, left: number): string {
  return `CBOR declares a ${fmtBytes(length)} ${what} but the payload has ${fmtBytes(left)} left: refused unread`
}

function fmtItems(n: number): string {
  return `${n.toLocaleString('en-US')} item${n === 1 ? '' : 's'}`
}
