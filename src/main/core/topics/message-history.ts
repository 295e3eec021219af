// The last messages of every topic, in one memory budget for all topics together: records
// are appended to fixed-size byte chunks, and when the budget is reached the oldest chunk goes
// (the oldest messages first, whatever their topic). No object per message is kept, so the
// budget is the memory used, and a busy broker makes no garbage for the collector here.
// A topic keeps at most `perTopic` records: older ones are dead, and a chunk holding only dead
// records is let go as soon as it is the oldest, so a long run with few topics does not fill
// the budget with messages nobody can list.
//
// A record: [u32 length][u32 topic][f64 at][f64 previous record of the topic]
//           [f64 next record of the topic, -1 while it is the newest][u32 payload length]
//           [u32 flags: QoS, retain, dup in the low 4 bits, properties length above]
//           [properties][payload], padded to 8 bytes. Positions are absolute (bytes appended
// since start), so a position below the oldest chunk's start names a message that is gone; a
// message's seq is its position in 8-byte units after the first seq, unique and increasing.
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

const HEADER = 40
/** Properties longer than this (as JSON) do not fit their 28 bits: the message is not kept. */
const MAX_PROPS = 2 ** 28 - 1
/** Chunks are this size (a budget is used in chunks of it: small budgets get smaller ones). */
export const CHUNK_BYTES = 1024 * 1024
/** Where a record keeps the position of its topic's next record. */
const NEXT = 24
const RETAIN = 1
const DUP = 2

interface Chunk {
  /** Absolute position of byte 0. */
  base: number
  bytes: Uint8Array
  view: DataView
  /** Bytes written. */
  used: number
  /** Records in it that their topic still keeps. */
  live: number
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
  /** Per topic id: absolute position of its oldest kept record, and how many it keeps. */
  private oldestAt = new Float64Array(1024).fill(-1)
  private counts = new Uint32Array(1024)
  private end = 0
  private dropped = 0

  constructor(
    private budget: number,
    private perTopic: number,
    /** The first message's seq (the inspector numbers earlier runs' messages below it). */
    private readonly firstSeq = 1
  ) {}

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
    const propBytes = encodeProps(props)
    const propLength = propBytes ? propBytes.byteLength : 0
    const length = align8(HEADER + propLength + payload.byteLength)
    if (length > this.budget || propLength > MAX_PROPS) return // not kept: larger than the budget
    const chunk = this.room(length)
    if (!chunk) return
    const p = chunk.used
    const v = chunk.view
    v.setUint32(p, length, true)
    v.setUint32(p + 4, topicId, true)
    v.setFloat64(p + 8, at, true)
    v.setFloat64(p + 16, this.latestOf(topicId), true)
    v.setFloat64(p + NEXT, -1, true)
    v.setUint32(p + 32, payload.byteLength, true)
    const flags = qos | (retain ? RETAIN << 2 : 0) | (dup ? DUP << 2 : 0)
    v.setUint32(p + 36, (flags | (propLength << 4)) >>> 0, true)
    if (propBytes) chunk.bytes.set(propBytes, p + HEADER)
    chunk.bytes.set(payload, p + HEADER + propLength)
    const pos = chunk.base + p
    chunk.used += length
    chunk.live++
    this.end = chunk.base + chunk.used
    this.grow(topicId)
    if (this.counts[topicId] > 0) this.setNext(this.latestAt[topicId], pos)
    else this.oldestAt[topicId] = pos
    this.latestAt[topicId] = pos
    this.counts[topicId]++
    if (this.counts[topicId] > this.perTopic) this.forgetOldest(topicId)
    this.dropDeadChunks()
  }

  list(topicId: number, limit: number, beforeSeq?: number): KeptMessage[] {
    const out: KeptMessage[] = []
    let walked = 0
    const count = this.kept(topicId)
    for (let pos = this.latestOf(topicId); walked < count; walked++) {
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
    const count = this.kept(topicId)
    for (let pos = this.latestOf(topicId); walked < count; walked++) {
      const r = this.at(pos)
      if (r.seq === seq) return this.read(r.chunk, r.offset)
      if (r.seq < seq) return undefined
      pos = r.prev
    }
    return undefined
  }

  latest(topicId: number): KeptMessage | undefined {
    if (this.kept(topicId) === 0) return undefined
    const pos = this.latestOf(topicId)
    const r = this.at(pos)
    return this.read(r.chunk, r.offset)
  }

  kept(topicId: number): number {
    return topicId < this.counts.length ? this.counts[topicId] : 0
  }

  setLimits(budget: number, perTopic: number): void {
    this.budget = budget
    this.perTopic = perTopic
    for (let id = 0; id < this.counts.length; id++)
      while (this.counts[id] > perTopic) this.forgetOldest(id)
    while (this.chunks.length > 0 && this.usedBytes > this.budget) this.dropOldest()
    this.dropDeadChunks()
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
      used: 0,
      live: 0
    }
    this.chunks.push(chunk)
    return chunk
  }

  /** Drops the oldest chunk: its records still kept go from their topics' oldest end. */
  private dropOldest(): void {
    const chunk = this.chunks.shift()!
    this.dropped++
    for (let p = 0; p < chunk.used && chunk.live > 0;) {
      const v = chunk.view
      const topicId = v.getUint32(p + 4, true)
      if (this.oldestAt[topicId] === chunk.base + p) {
        chunk.live--
        this.counts[topicId]--
        this.oldestAt[topicId] = this.counts[topicId] > 0 ? v.getFloat64(p + NEXT, true) : -1
      }
      p += v.getUint32(p, true)
    }
  }

  /** The topic's oldest kept record is no longer kept (its bytes stay until its chunk goes). */
  private forgetOldest(topicId: number): void {
    const pos = this.oldestAt[topicId]
    const chunk = this.chunkOf(pos)
    chunk.live--
    this.counts[topicId]--
    this.oldestAt[topicId] =
      this.counts[topicId] > 0 ? chunk.view.getFloat64(pos - chunk.base + NEXT, true) : -1
  }

  /** Lets go of the oldest chunks while they hold no kept record (never the one written to). */
  private dropDeadChunks(): void {
    while (this.chunks.length > 1 && this.chunks[0].live === 0) this.chunks.shift()
  }

  private setNext(pos: number, next: number): void {
    const chunk = this.chunkOf(pos)
    chunk.view.setFloat64(pos - chunk.base + NEXT, next, true)
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
      seq: this.seqOf(pos),
      prev: chunk.view.getFloat64(offset + 16, true)
    }
  }

  private read(chunk: Chunk, p: number): KeptMessage {
    const v = chunk.view
    const word = v.getUint32(p + 36, true)
    const flags = word & 15
    const propLength = word >>> 4
    const payloadLength = v.getUint32(p + 32, true)
    const start = p + HEADER + propLength
    return {
      seq: this.seqOf(chunk.base + p),
      at: v.getFloat64(p + 8, true),
      qos: (flags & 3) as 0 | 1 | 2,
      retain: ((flags >> 2) & RETAIN) !== 0,
      dup: ((flags >> 2) & DUP) !== 0,
      payload: chunk.bytes.slice(start, start + payloadLength),
      props: propLength ? decodeProps(chunk.bytes.subarray(p + HEADER, start)) : null
    }
  }

  private seqOf(pos: number): number {
    return this.firstSeq + pos / 8
  }

  private latestOf(topicId: number): number {
    return topicId < this.latestAt.length ? this.latestAt[topicId] : -1
  }

  /** Makes the per-topic arrays long enough for `topicId`. */
  private grow(topicId: number): void {
    if (topicId < this.latestAt.length) return
    let size = this.latestAt.length
    while (size <= topicId) size *= 2
    const latest = new Float64Array(size).fill(-1)
    latest.set(this.latestAt)
    this.latestAt = latest
    const oldest = new Float64Array(size).fill(-1)
    oldest.set(this.oldestAt)
    this.oldestAt = oldest
    const counts = new Uint32Array(size)
    counts.set(this.counts)
    this.counts = counts
  }
}
