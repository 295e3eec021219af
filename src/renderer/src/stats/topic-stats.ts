// Per-topic counters (messages, decode errors, last error) as the core reports them.
import type { TopicStat } from '../../../shared/types'

const key = (s: TopicStat): string => `${s.connection}\u0000${s.topic}`
const byName = (a: TopicStat, b: TopicStat): number =>
  a.connection.localeCompare(b.connection) || a.topic.localeCompare(b.topic)

export class TopicStatsStore {
  private readonly byKey = new Map<string, TopicStat>()
  /** Keys sorted by connection and topic; sorted again only when a topic is new. */
  private order: string[] = []
  private list: TopicStat[] = []
  private stale = false
  private readonly listeners = new Set<() => void>()

  /** Every topic's latest counters, sorted; the same array until something changed. */
  get all(): readonly TopicStat[] {
    if (this.stale) {
      this.stale = false
      this.list = this.order.map((k) => this.byKey.get(k)!)
    }
    return this.list
  }

  get size(): number {
    return this.byKey.size
  }

  load(stats: readonly TopicStat[]): void {
    this.byKey.clear()
    this.order = []
    this.update(stats, true)
  }

  /** Stats in a batch are the latest totals of the topics that changed. */
  update(stats: readonly TopicStat[], force = false): void {
    if (stats.length === 0 && !force) return
    let added = false
    for (const s of stats) {
      const k = key(s)
      if (!this.byKey.has(k)) added = true
      this.byKey.set(k, s)
    }
    if (added) {
      this.order = [...this.byKey.values()].sort(byName).map(key)
    }
    this.stale = true
    for (const l of this.listeners) l()
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
