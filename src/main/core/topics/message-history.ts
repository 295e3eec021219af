// The last messages of every topic, in one memory budget for all topics together: records
// (history-record.ts) are appended to byte chunks, and when the budget is reached the oldest
// chunk goes (the oldest messages first, whatever their topic). No object per message is
// kept, so the budget is the memory used, and a busy broker makes no garbage here.
// A topic keeps at most `perTopic` records; older ones are dead. A chunk that is mostly dead
// when it is the oldest has its few kept records moved to the newest chunk and goes, so a
// long run keeps about what can be listed, not the whole budget, even when a quiet topic's
// last messages sit among millions of others.
// Positions are absolute (bytes appended since start); each topic's records are linked both
// ways, newest to oldest, so a record can move without its topic losing its order.
import type { MessageProps } from '../../../shared/topic-types'
import {
  AT,
  DEAD,
  encodeProps,
  FLAGS,
  flagsWord,
  HEADER,
  LENGTH,
  MAX_PROPS,
  NEXT,
  PREV,
  readRecord,
  recordLength,
  SEQ,
  TOPIC,
  type KeptMessage
} from './history-record'

export type { KeptMessage } from './history-record'

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

/** Chunks are this size (a budget is used in chunks of it: small budgets get smaller ones). */
export const CHUNK_BYTES = 1024 * 1024
/** An oldest chunk whose kept bytes are at most this share of it is emptied and let go. */
const MOSTLY_DEAD = 1 / 16

interface Chunk {
  /** Absolute position of byte 0. */
  base: number
  bytes: Uint8Array
  view: DataView
  /** Bytes written. */
  used: number
  /** Records in it that their topic still keeps, and their bytes. */
  live: number
  liveBytes: number
}

export class MessageHistory implements MessageSource {
  private chunks: Chunk[] = []
  /** Per topic id: absolute positions of its newest and oldest kept records, and how many. */
  private latestAt = new Float64Array(1024).fill(-1)
  private oldestAt = new Float64Array(1024).fill(-1)
  private counts = new Uint32Array(1024)
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
    const length = recordLength(propLength, payload.byteLength)
    if (length > this.budget || propLength > MAX_PROPS) return // not kept: larger than the budget
    const chunk = this.room(length)
    if (!chunk) return
    const p = chunk.used
    const v = chunk.view
    v.setUint32(p + LENGTH, length, true)
    v.setUint32(p + TOPIC, topicId, true)
    v.setFloat64(p + SEQ, seq, true)
    v.setFloat64(p + AT, at, true)
    v.setUint32(p + FLAGS, flagsWord(qos, retain, dup, propLength, payload.byteLength), true)
    if (propBytes) chunk.bytes.set(propBytes, p + HEADER)
    chunk.bytes.set(payload, p + HEADER + propLength)
    chunk.used += length
    this.end = chunk.base + chunk.used
    this.grow(topicId)
    this.link(topicId, chunk, p)
    if (this.counts[topicId] > this.perTopic) this.forgetOldest(topicId)
    this.reclaim()
  }

  list(topicId: number, limit: number, beforeSeq?: number): KeptMessage[] {
    const out: KeptMessage[] = []
    const count = this.kept(topicId)
    let pos = this.latestOf(topicId)
    for (let walked = 0; walked < count; walked++) {
      const c = this.chunkOf(pos)
      const p = pos - c.base
      if (beforeSeq === undefined || c.view.getFloat64(p + SEQ, true) < beforeSeq) {
        out.push(readRecord(c.bytes, c.view, p))
        if (out.length >= limit) break
      }
      pos = c.view.getFloat64(p + PREV, true)
    }
    return out
  }

  get(topicId: number, seq: number): KeptMessage | undefined {
    const count = this.kept(topicId)
    let pos = this.latestOf(topicId)
    for (let walked = 0; walked < count; walked++) {
      const c = this.chunkOf(pos)
      const p = pos - c.base
      const s = c.view.getFloat64(p + SEQ, true)
      if (s === seq) return readRecord(c.bytes, c.view, p)
      if (s < seq) return undefined
      pos = c.view.getFloat64(p + PREV, true)
    }
    return undefined
  }

  latest(topicId: number): KeptMessage | undefined {
    if (this.kept(topicId) === 0) return undefined
    const c = this.chunkOf(this.latestAt[topicId])
    return readRecord(c.bytes, c.view, this.latestAt[topicId] - c.base)
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
    this.reclaim()
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
    const previous = this.chunks[this.chunks.length - 1]
    this.chunks.push({
      // A new chunk starts where the last one's written part ended: its unused tail is skipped.
      base: previous ? previous.base + previous.used : this.end,
      bytes,
      view: new DataView(bytes.buffer),
      used: 0,
      live: 0,
      liveBytes: 0
    })
    return this.chunks[this.chunks.length - 1]
  }

  /** Makes the record at `p` of `chunk` its topic's newest. */
  private link(topicId: number, chunk: Chunk, p: number): void {
    const pos = chunk.base + p
    const newest = this.counts[topicId] > 0 ? this.latestAt[topicId] : -1
    chunk.view.setFloat64(p + PREV, newest, true)
    chunk.view.setFloat64(p + NEXT, -1, true)
    if (newest >= 0) this.setLink(newest, NEXT, pos)
    else this.oldestAt[topicId] = pos
    this.latestAt[topicId] = pos
    this.counts[topicId]++
    chunk.live++
    chunk.liveBytes += chunk.view.getUint32(p + LENGTH, true)
  }

  /** The record at `p` of `chunk` is no longer kept: its topic's list closes over it. */
  private unlink(chunk: Chunk, p: number): void {
    const v = chunk.view
    const topicId = v.getUint32(p + TOPIC, true)
    const pos = chunk.base + p
    const prev = v.getFloat64(p + PREV, true)
    const next = v.getFloat64(p + NEXT, true)
    this.repoint(topicId, pos, prev, next, next, prev)
    this.counts[topicId]--
    v.setUint32(p + FLAGS, v.getUint32(p + FLAGS, true) | DEAD, true)
    chunk.live--
    chunk.liveBytes -= v.getUint32(p + LENGTH, true)
  }

  /**
   * The record at `at` (between `prev` and `next` in its topic's list) gives its place: what
   * led forward to it (the topic's oldest end or prev's link) now leads to `forward`, and what
   * led back to it (the newest end or next's link) to `backward`.
   */
  private repoint(
    topicId: number,
    at: number,
    prev: number,
    next: number,
    forward: number,
    backward: number
  ): void {
    if (this.oldestAt[topicId] === at) this.oldestAt[topicId] = forward
    else this.setLink(prev, NEXT, forward)
    if (this.latestAt[topicId] === at) this.latestAt[topicId] = backward
    else this.setLink(next, PREV, backward)
  }

  private forgetOldest(topicId: number): void {
    const pos = this.oldestAt[topicId]
    const chunk = this.chunkOf(pos)
    this.unlink(chunk, pos - chunk.base)
  }

  /** Drops the oldest chunk to meet the budget: its kept records go with it. */
  private dropOldest(): void {
    const chunk = this.chunks[0]
    this.dropped++
    this.forEachKept(chunk, (p) => this.unlink(chunk, p))
    this.chunks.shift()
  }

  /**
   * Lets go of the oldest chunks while they keep nothing, or little: that little is moved to
   * the newest chunk first (only when it fits without dropping anything for the budget).
   */
  private reclaim(): void {
    while (this.chunks.length > 1) {
      const oldest = this.chunks[0]
      if (oldest.live > 0) {
        if (this.chunks.length < 3 || oldest.liveBytes > oldest.used * MOSTLY_DEAD) return
        if (this.usedBytes + this.chunkBytes() > this.budget) return
        this.forEachKept(oldest, (p) => this.move(oldest, p))
      }
      this.chunks.shift()
    }
  }

  /** Copies a kept record to the newest chunk; its topic's links follow it. */
  private move(from: Chunk, p: number): void {
    const v = from.view
    const length = v.getUint32(p + LENGTH, true)
    const to = this.room(length)!
    const q = to.used
    to.bytes.set(from.bytes.subarray(p, p + length), q)
    to.used += length
    this.end = to.base + to.used
    const topicId = v.getUint32(p + TOPIC, true)
    const oldPos = from.base + p
    const pos = to.base + q
    this.repoint(
      topicId,
      oldPos,
      v.getFloat64(p + PREV, true),
      v.getFloat64(p + NEXT, true),
      pos,
      pos
    )
    from.live--
    from.liveBytes -= length
    to.live++
    to.liveBytes += length
  }

  private forEachKept(chunk: Chunk, visit: (p: number) => void): void {
    const v = chunk.view
    for (let p = 0; p < chunk.used && chunk.live > 0; p += v.getUint32(p + LENGTH, true))
      if ((v.getUint32(p + FLAGS, true) & DEAD) === 0) visit(p)
  }

  private setLink(pos: number, field: number, to: number): void {
    const chunk = this.chunkOf(pos)
    chunk.view.setFloat64(pos - chunk.base + field, to, true)
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
