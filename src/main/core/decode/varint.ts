// The protobuf wire format's varint, shared by the one-pass readers (protobuf-wire.ts,
// sparkplug/sparkplug-wire.ts). The value just read is left in live bindings rather than
// returned in an object, so reading one allocates nothing.

/** The low and high 32 bits of the varint just read, and whether any of its bits were set. */
export let lo = 0
export let hi = 0
export let nonzero = false

/** Reads a varint at `pos` (at most 10 bytes, all before `end`): the position after it, or -1. */
export function varint(b: Uint8Array, pos: number, end: number): number {
  let l = 0
  let h = 0
  let any = 0
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return -1
    const byte = b[pos++]
    const bits = byte & 127
    any |= bits
    if (i < 4) l = (l | (bits << (i * 7))) >>> 0
    else if (i === 4) {
      l = (l | (bits << 28)) >>> 0
      h = (h | (bits >> 4)) >>> 0
    } else h = (h | (bits << ((i - 5) * 7 + 3))) >>> 0
    if (byte < 128) {
      lo = l
      hi = h
      nonzero = any !== 0
      return pos
    }
  }
  return -1
}
