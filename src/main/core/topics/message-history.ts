// The last messages of every topic, in one memory budget for all topics together: records
// are appended to fixed-size byte chunks, and when the budget is reached the oldest chunk goes
// (the oldest messages first, whatever their topic). No object per message is kept, so the
// budget is the memory used, and a busy broker makes no garbage for the collector here.
//
// A record: [u32 length][u32 topic][f64 seq][f64 at][f64 previous record of the topic]
//           [u8 flags][3 bytes 0][u32 properties length][u32 payload length][4 bytes 0]
//           [properties][payload], padded to 8 bytes. Positions are absolute (bytes appended since start), so a position
// below the oldest chunk's start names a message that is gone.
import type { MessageProps } from '../../../shared/topic-types'

export interface KeptMessage {
  seq: number
  at: number
  qos: 0 | 1 | 2
  retain: boolean
  dup: boolean
  payload: Uint8Array
  props: MessageProps | null
}

/**
 * Where the inspector reads a topic's messages. Memory here; a journal-backed source (the
 * capture keeping payloads) can stand behind the same calls.
 */
export interface MessageSource {
  /** Newest first, at most `limit`, only those older than `beforeSeq` when given. */
  list(topicId: number, limit: number, beforeSeq?: number): KeptMessage[]
  get(topicId: number, seq: number): KeptMessage | undefined
  latest(topicId: number): KeptMessage | undefined
  kept(topicId: number): number
}

const HEADER = 48
/** Chunks are this size (a budget is used in chunks of it: small budgets get smaller ones). */
export const CHUNK_BYTES = 1024 * 1024
const RETAIN = 1
const DUP = 2

interface Chunk {
  /** Absolute position of byte 0. */
  base: number
  bytes: Uint8Array
  view: DataView
  /** Bytes written. */
  used: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function align8(n: number): number {
  return (n + 7) & ~7
}

/** MQTT 5 properties as JSON bytes (correlation data as an array of bytes). */
function encodeProps(props: MessageProps | null): Uint8Array | null {
  if (!props) return null
  const plain = props.correlationData
    ? { ...props, correlationData: Array.from(props.correlationData) }
    : props
  return encoder.encode(JSON.stringify(plain))
}

function decodeProps(bytes: Uint8Array): MessageProps {
  const raw = JSON.parse(decoder.decode(bytes)) as Omit<MessageProps, 'correlationData'> & {
    correlationData?: number[]
  }
  const { correlationData, ...rest } = raw
  return correlationData ? { ...rest, correlationData: Uint8Array.from(correlationData) } : rest
}

export class MessageHistory implements MessageSource {
  private chunks: Chunk[] = []
  /** Per topic id: absolute position of its newest record, -1 for none. */
  private latestAt = new Float64Array(1024).fill(-1)
  private nextSeq: number
  private end = 0
  private dropped = 0

  constructor(
    private budget: number,
    private perTopic: number,
    /** The first message's seq (the inspector numbers earlier runs' messages below it). */
    firstSeq = 1
  ) {
    this.nextSeq = firstSeq
  }

  /** Bytes held (whole chunks: what the budget limits). */
  get usedBytes(): number {
    let n = 0
    for (const c of this.chunks) n += c.bytes.byteLength
    return n
  }

  get budgetBytes(): number {
    return this.budget
  }

  get limitPerTopic(): number {
    return this.perTopic
  }

  /** Chunks dropped to stay within the budget, since start. */
  get droppedChunks(): number {
    return this.dropped
  }

  /** Keeps a message (copied in: the caller's buffer may be reused). */
  add(
    topicId: number,
    at: number,
    qos: 0 | 1 | 2,
    retain: boolean,
    dup: boolean,
    payload: Uint8Array,
    props: MessageProps | null
  ): void {
    const seq = this.nextSeq++
    const propBytes = encodeProps(props)
    const propLength = propBytes ? propBytes.byteLength : 0
    const length = align8(HEADER + propLength + payload.byteLength)
    if (length > this.budget) return // larger than the whole budget: not kept
    const chunk = this.room(length)
    if (!chunk) return
    const p = chunk.used
    const v = chunk.view
    v.setUint32(p, length, true)
    v.setUint32(p + 4, topicId, true)
    v.setFloat64(p + 8, seq, true)
    v.setFloat64(p + 16, at, true)
    v.setFloat64(p + 24, this.latestOf(topicId), true)
    v.setUint32(p + 32, qos | (retain ? RETAIN << 2 : 0) | (dup ? DUP << 2 : 0), true)
    v.setUint32(p + 36, propLength, true)
    v.setUint32(p + 40, payload.byteLength, true)
    if (propBytes) chunk.bytes.set(propBytes, p + HEADER)
    chunk.bytes.set(payload, p + HEADER + propLength)
    this.setLatest(topicId, chunk.base + p)
    chunk.used += length
    this.end = chunk.base + chunk.used
  }

  list(topicId: number, limit: number, beforeSeq?: number): KeptMessage[] {
    const out: KeptMessage[] = []
    let walked = 0
    for (let pos = this.latestOf(topicId); this.live(pos) && walked < this.perTopic; walked++) {
      const r = this.at(pos)
      if (beforeSeq === undefined || r.seq < beforeSeq) {
        out.push(this.read(r.chunk, r.offset))
        if (out.length >= limit) break
      }
      pos = r.prev
    }
    return out
  }

  get(topicId: number, seq: number): KeptMessage | undefined {
    let walked = 0
    for (let pos = this.latestOf(topicId); this.live(pos) && walked < this.perTopic; walked++) {
      const r = this.at(pos)
      if (r.seq === seq) return this.read(r.chunk, r.offset)
      if (r.seq < seq) return undefined
      pos = r.prev
    }
    return undefined
  }

  latest(topicId: number): KeptMessage | undefined {
    const pos = this.latestOf(topicId)
    if (!this.live(pos)) return undefined
    const r = this.at(pos)
    return this.read(r.chunk, r.offset)
  }

  kept(topicId: number): number {
    let n = 0
    for (let pos = this.latestOf(topicId); this.live(pos) && n < this.perTopic; n++)
      pos = this.at(pos).prev
    return n
  }

  setLimits(budget: number, perTopic: number): void {
    this.budget = budget
    this.perTopic = perTopic
    while (this.chunks.length > 0 && this.usedBytes > this.budget) this.dropOldest()
  }

  private chunkBytes(): number {
    return Math.max(64 * 1024, Math.min(CHUNK_BYTES, Math.floor(this.budget / 16)))
  }

  /** The chunk to write `length` bytes into: the current one, or a new one (oldest go first). */
  private room(length: number): Chunk | null {
    const last = this.chunks[this.chunks.length - 1]
    if (last && last.used + length <= last.bytes.byteLength) return last
    const size = Math.max(this.chunkBytes(), length)
    while (this.chunks.length > 0 && this.usedBytes + size > this.budget) this.dropOldest()
    if (size > this.budget) return null
    const bytes = new Uint8Array(size)
    const chunk: Chunk = {
      // A new chunk starts where the last one's written part ended: its unused tail is skipped.
      base: last ? last.base + last.used : this.end,
      bytes,
      view: new DataView(bytes.buffer),
      used: 0
    }
    this.chunks.push(chunk)
    return chunk
  }

  private dropOldest(): void {
    this.chunks.shift()
    this.dropped++
  }

  private live(pos: number): boolean {
    return pos >= 0 && this.chunks.length > 0 && pos >= this.chunks[0].base
  }

  private chunkOf(pos: number): Chunk {
    // Few chunks (a budget over the chunk size): a binary search by base.
    let lo = 0
    let hi = this.chunks.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.chunks[mid].base <= pos) lo = mid
      else hi = mid - 1
    }
    return this.chunks[lo]
  }

  private at(pos: number): { chunk: Chunk; offset: number; seq: number; prev: number } {
    const chunk = this.chunkOf(pos)
    const offset = pos - chunk.base
    return {
      chunk,
      offset,
      seq: chunk.view.getFloat64(offset + 8, true),
      prev: chunk.view.getFloat64(offset + 24, true)
    }
  }

  private read(chunk: Chunk, p: number): KeptMessage {
    const v = chunk.view
    const flags = v.getUint32(p + 32, true)
    const propLength = v.getUint32(p + 36, true)
    const payloadLength = v.getUint32(p + 40, true)
    const start = p + HEADER + propLength
    return {
      seq: v.getFloat64(p + 8, true),
      at: v.getFloat64(p + 16, true),
      qos: (flags & 3) as 0 | 1 | 2,
      retain: ((flags >> 2) & RETAIN) !== 0,
      dup: ((flags >> 2) & DUP) !== 0,
      payload: chunk.bytes.slice(start, start + payloadLength),
      props: propLength ? decodeProps(chunk.bytes.subarray(p + HEADER, start)) : null
    }
  }

  private latestOf(topicId: number): number {
    return topicId < this.latestAt.length ? this.latestAt[topicId] : -1
  }

  private setLatest(topicId: number, pos: number): void {
    if (topicId >= this.latestAt.length) {
      let size = this.latestAt.length
      while (size <= topicId) size *= 2
      const next = new Float64Array(size).fill(-1)
      next.set(this.latestAt)
      this.latestAt = next
    }
    this.latestAt[topicId] = pos
  }
}
