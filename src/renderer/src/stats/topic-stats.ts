// Per-topic counters (messages, decode errors, last error) as the core reports them.
import type { TopicStat } from '../../../shared/types'

const key = (s: TopicStat): string => `${s.connection}\u0000${s.topic}`

export class TopicStatsStore {
  private readonly byKey = new Map<string, TopicStat>()
  private list: TopicStat[] = []
  private readonly listeners = new Set<() => void>()

  get all(): readonly TopicStat[] {
    return this.list
  }

  load(stats: readonly TopicStat[]): void {
    this.byKey.clear()
    this.update(stats, true)
  }

  /** Stats in a batch are the latest totals of the topics that changed. */
  update(stats: readonly TopicStat[], force = false): void {
    if (stats.length === 0 && !force) return
    for (const s of stats) this.byKey.set(key(s), s)
    this.list = [...this.byKey.values()].sort(
      (a, b) => a.connection.localeCompare(b.connection) || a.topic.localeCompare(b.topic)
    )
    for (const l of this.listeners) l()
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
