// Binary frames for the WebSocket binding. Float64Arrays (chart batches) travel as raw bytes
// after a JSON header instead of as JSON numbers: a batch of 10,000 points stays 160 kB and
// costs no number formatting or parsing on either side.
//
// Byte arrays (payloads the topic explorer shows) travel the same way, marked as such.
//
// Layout: [u32 LE header length][header JSON, UTF-8][zero padding to 8][array bytes ...]
// The header is {"v": <value with arrays replaced by {"$f64": i}>, "a": [[offset, length], ...]}
// where a Uint8Array's entry is [offset, length, 1]; every array starts 8-aligned.

import type { InvokeChannel, EventChannel, Envelope } from './contract'

const MARK = '$f64'

/** An array's place in the header: a class, so every mark shares one shape. */
class Mark {
  constructor(readonly $f64: number) {}
}

/** Messages on the WebSocket, both directions. */
export type WireMessage =
  | { kind: 'invoke'; id: number; channel: InvokeChannel; req: unknown }
  | { kind: 'result'; id: number; envelope: Envelope<unknown> }
  | { kind: 'event'; channel: EventChannel; payload: unknown }

/**
 * The value with each byte or number array replaced by its mark (copying only the objects on
 * the way to one), so that JSON.stringify runs without a replacer: a replacer is called for
 * every key of a batch and takes the serializer off its fast path.
 */
function markArrays(v: unknown, arrays: (Float64Array | Uint8Array)[]): unknown {
  if (v === null || typeof v !== 'object') return v
  if (v instanceof Float64Array || v instanceof Uint8Array) {
    arrays.push(v)
    return new Mark(arrays.length - 1)
  }
  if (Array.isArray(v)) {
    let out: unknown[] | null = null
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i]
      if (item === null || typeof item !== 'object') continue
      const marked = markArrays(item, arrays)
      if (marked !== item) (out ??= v.slice())[i] = marked
    }
    return out ?? v
  }
  let out: Record<string, unknown> | null = null
  const record = v as Record<string, unknown>
  for (const key in record) {
    const item = record[key]
    if (item === null || typeof item !== 'object') continue
    const marked = markArrays(item, arrays)
    if (marked !== item) (out ??= { ...record })[key] = marked
  }
  return out ?? v
}

const encoder = new TextEncoder()

export function encodeFrame(value: unknown): Uint8Array {
  const arrays: (Float64Array | Uint8Array)[] = []
  const json = JSON.stringify(markArrays(value, arrays))
  // The table as text, built as the arrays are placed (one string, no array per entry).
  let table = ''
  let offset = 0
  for (let i = 0; i < arrays.length; i++) {
    const a = arrays[i]
    if (i > 0) table += ','
    table += a instanceof Uint8Array ? `[${offset},${a.length},1]` : `[${offset},${a.length}]`
    offset = align8(offset + a.byteLength)
  }
  // The value's JSON is placed as it is: parsing and writing it again would double the cost.
  const text = `{"v":${json},"a":[${table}]}`
  // ASCII (the usual header) is as many bytes as characters: written straight into the frame.
  let headerBytes = text.length
  let out = new Uint8Array(align8(4 + headerBytes) + offset)
  const { read, written } = encoder.encodeInto(text, out.subarray(4, 4 + headerBytes))
  if (read !== text.length || written !== headerBytes) {
    const header = encoder.encode(text)
    headerBytes = header.byteLength
    out = new Uint8Array(align8(4 + headerBytes) + offset)
    out.set(header, 4)
  }
  const dataStart = align8(4 + headerBytes)
  new DataView(out.buffer).setUint32(0, headerBytes, true)
  // Number arrays are copied through one view of the frame (aligned: dataStart and every
  // offset are multiples of 8), not through a new byte view of each.
  let asF64: Float64Array | null = null
  let at = dataStart
  for (let i = 0; i < arrays.length; i++) {
    const a = arrays[i]
    if (a instanceof Float64Array)
      (asF64 ??= new Float64Array(out.buffer, 0, out.byteLength >>> 3)).set(a, at >>> 3)
    else out.set(a, at)
    at = align8(at + a.byteLength)
  }
  return out
}

export function decodeFrame(bytes: Uint8Array): unknown {
  if (bytes.byteLength < 4) throw new Error('frame too short')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerLength = view.getUint32(0, true)
  if (4 + headerLength > bytes.byteLength) throw new Error('frame header truncated')
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as {
    v: unknown
    a: [number, number, number?][]
  }
  const dataStart = align8(4 + headerLength)
  const arrays = header.a.map(([offset, length, kind]): Float64Array | Uint8Array => {
    const start = dataStart + offset
    if (kind === 1) {
      if (start + length > bytes.byteLength) throw new Error('frame data truncated')
      return bytes.slice(start, start + length)
    }
    if (start + length * 8 > bytes.byteLength) throw new Error('frame data truncated')
    const absolute = bytes.byteOffset + start
    // A view needs 8-byte alignment; copy when the transport handed us an unaligned slice.
    if (absolute % 8 === 0) return new Float64Array(bytes.buffer, absolute, length)
    return new Float64Array(bytes.slice(start, start + length * 8).buffer)
  })
  // Requests carry no arrays: they are passed on untouched, however deep, for the receiver's
  // own limits to refuse in words (a walk here could overflow the stack first).
  if (arrays.length === 0) return header.v
  return revive(header.v, arrays, 0)
}

/** Levels a frame with arrays (a chart batch, a snapshot) may nest: a few in practice. */
const MAX_REVIVE_DEPTH = 64

function revive(value: unknown, arrays: (Float64Array | Uint8Array)[], depth: number): unknown {
  if (depth > MAX_REVIVE_DEPTH) throw new Error('frame nested too deeply')
  // In place: the value is fresh from JSON.parse and ours alone, so a batch of thousands of
  // records costs no second copy of each; only an array mark is replaced.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i]
      if (v !== null && typeof v === 'object') value[i] = revive(v, arrays, depth + 1)
    }
    return value
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>
    const index = record[MARK]
    if (typeof index === 'number' && Object.keys(record).length === 1) {
      const a = arrays[index]
      if (!a) throw new Error('frame refers to a missing array')
      return a
    }
    for (const k of Object.keys(record)) {
      const v = record[k]
      if (v === null || typeof v !== 'object') continue
      const revived = revive(v, arrays, depth + 1)
      // An own key (even "__proto__", as JSON.parse makes it) is written only for a mark.
      if (revived !== v)
        Object.defineProperty(record, k, {
          value: revived,
          enumerable: true,
          writable: true,
          configurable: true
        })
    }
    return record
  }
  return value
}

function align8(n: number): number {
  return (n + 7) & ~7
}
