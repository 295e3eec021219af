// The last messages of every topic, under one memory budget for all topics together and a
// count limit per topic. When over budget the oldest message goes first, except that a
// topic's latest message outlives every older message of any topic: the inspector (and the
// tree's preview) can show what each topic last said for as long as the budget allows.
import type { MessageProps } from '../../../shared/topic-types'

export interface KeptMessage {
  seq: number
  at: number
  qos: 0 | 1 | 2
  retain: boolean
  dup: boolean
  payload: Uint8Array
  props: MessageProps | null
  /** Bytes this message is counted as (payload, properties and bookkeeping). */
  cost: number
}

/**
 * Where the inspector reads a topic's messages. Memory now; a journal-backed source (the
 * capture keeping payloads) can stand behind the same calls.
 */
export interface MessageSource {
  /** Newest first, at most `limit`, only those older than `beforeSeq` when given. */
  list(topicId: number, limit: number, beforeSeq?: number): KeptMessage[]
  get(topicId: number, seq: number): KeptMessage | undefined
  latest(topicId: number): KeptMessage | undefined
  kept(topicId: number): number
}

/** What one kept message costs besides its bytes: the objects around it (a V8 estimate). */
export const MESSAGE_OVERHEAD_BYTES = 240

/** One topic's messages, oldest first from `head`. */
class TopicLog {
  items: KeptMessage[] = []
  head = 0
  /** Slots in the eviction queue whose message already went (the per-topic limit took it). */
  stale = 0

  get length(): number {
    return this.items.length - this.head
  }

  push(m: KeptMessage): void {
    this.items.push(m)
  }

  shift(): KeptMessage {
    const m = this.items[this.head]
    this.items[this.head++] = undefined as unknown as KeptMessage
    // Compact now and then so the array does not keep a long dead prefix.
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return m
  }

  at(i: number): KeptMessage {
    return this.items[this.head + i]
  }
}

/** A growable ring of topic ids: one slot per kept message, in arrival order. */
class IdQueue {
  private buf = new Int32Array(1024)
  private start = 0
  length = 0

  push(id: number): void {
    if (this.length === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2)
      for (let i = 0; i < this.length; i++) next[i] = this.buf[(this.start + i) % this.buf.length]
      this.buf = next
      this.start = 0
    }
    this.buf[(this.start + this.length) % this.buf.length] = id
    this.length++
  }

  shift(): number {
    const id = this.buf[this.start]
    this.start = (this.start + 1) % this.buf.length
    this.length--
    return id
  }
}

export function propsCost(props: MessageProps | null): number {
  if (!props) return 0
  let n = 64
  n += (props.contentType?.length ?? 0) * 2
  n += (props.responseTopic?.length ?? 0) * 2
  n += props.correlationData?.byteLength ?? 0
  for (const [k, v] of props.userProperties ?? []) n += 48 + (k.length + v.length) * 2
  n += (props.subscriptionIds?.length ?? 0) * 8
  return n
}

export class MessageHistory implements MessageSource {
  private readonly logs: (TopicLog | undefined)[] = []
  private readonly queue = new IdQueue()
  private used = 0
  private count = 0
  private nextSeq = 1
  private dropped = 0

  constructor(
    private budget: number,
    private perTopic: number
  ) {}

  get usedBytes(): number {
    return this.used
  }

  get budgetBytes(): number {
    return this.budget
  }

  get limitPerTopic(): number {
    return this.perTopic
  }

  /** Messages kept, all topics together. */
  get size(): number {
    return this.count
  }

  /** Messages let go to stay within the limits, since start. */
  get droppedCount(): number {
    return this.dropped
  }

  /** Keeps a message (the payload is copied: the caller's buffer may be reused). */
  add(
    topicId: number,
    at: number,
    qos: 0 | 1 | 2,
    retain: boolean,
    dup: boolean,
    payload: Uint8Array,
    props: MessageProps | null
  ): KeptMessage {
    const message: KeptMessage = {
      seq: this.nextSeq++,
      at,
      qos,
      retain,
      dup,
      payload: new Uint8Array(payload),
      props,
      cost: payload.byteLength + MESSAGE_OVERHEAD_BYTES + propsCost(props)
    }
    if (message.cost > this.budget) {
      // Larger than the whole budget: not kept (the tree still counts it).
      this.dropped++
      return message
    }
    let log = this.logs[topicId]
    if (!log) this.logs[topicId] = log = new TopicLog()
    log.push(message)
    this.queue.push(topicId)
    this.used += message.cost
    this.count++
    if (log.length > this.perTopic) {
      this.release(log.shift())
      log.stale++
    }
    if (this.used > this.budget) this.evict()
    return message
  }

  list(topicId: number, limit: number, beforeSeq?: number): KeptMessage[] {
    const log = this.logs[topicId]
    const out: KeptMessage[] = []
    if (!log) return out
    for (let i = log.length - 1; i >= 0 && out.length < limit; i--) {
      const m = log.at(i)
      if (beforeSeq === undefined || m.seq < beforeSeq) out.push(m)
    }
    return out
  }

  get(topicId: number, seq: number): KeptMessage | undefined {
    const log = this.logs[topicId]
    if (!log) return undefined
    // Sorted by seq: a binary search.
    let lo = 0
    let hi = log.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const m = log.at(mid)
      if (m.seq === seq) return m
      if (m.seq < seq) lo = mid + 1
      else hi = mid - 1
    }
    return undefined
  }

  latest(topicId: number): KeptMessage | undefined {
    const log = this.logs[topicId]
    return log && log.length > 0 ? log.at(log.length - 1) : undefined
  }

  kept(topicId: number): number {
    return this.logs[topicId]?.length ?? 0
  }

  setLimits(budget: number, perTopic: number): void {
    this.budget = budget
    if (perTopic < this.perTopic) {
      for (const log of this.logs) {
        while (log && log.length > perTopic) {
          this.release(log.shift())
          log.stale++
        }
      }
    }
    this.perTopic = perTopic
    if (this.used > this.budget) this.evict()
  }

  private release(m: KeptMessage): void {
    this.used -= m.cost
    this.count--
    this.dropped++
  }

  /**
   * Oldest first. A slot whose topic holds only its latest message goes to the back of the
   * queue instead, so superseded messages of other topics go before it; once a whole pass
   * finds nothing else to drop, latest messages go too, oldest first.
   */
  private evict(): void {
    let passed = 0
    let onlyLatest = false
    while (this.used > this.budget && this.queue.length > 0) {
      const id = this.queue.shift()
      const log = this.logs[id]!
      if (log.stale > 0) {
        log.stale--
        continue
      }
      if (log.length === 1 && !onlyLatest) {
        this.queue.push(id)
        // A whole pass without an older message: every topic is down to its latest.
        if (++passed >= this.queue.length) onlyLatest = true
        continue
      }
      this.release(log.shift())
      passed = 0
    }
  }
}
