// Per-topic counters (messages, decode errors, last error) as the core reports them, with a
// message rate measured here from successive totals. Updates only touch a map; the sorted
// list is made when the table draws, so a broker with 100,000 topics costs no sort per batch.
import type { TopicStat } from '../../../shared/types'
import { decayedRate, RATE_WINDOW_MS } from '../../../shared/topic-types'

export interface StatRow {
  stat: TopicStat
  /** Messages per second as of `at` (a moving average; it decays from there). */
  rate: number
  at: number
}

export type StatSort = 'name' | 'messages' | 'rate' | 'errors'

const byName = (a: StatRow, b: StatRow): number => {
  const c =
    a.stat.connection < b.stat.connection ? -1 : a.stat.connection > b.stat.connection ? 1 : 0
  if (c !== 0) return c
  return a.stat.topic < b.stat.topic ? -1 : a.stat.topic > b.stat.topic ? 1 : 0
}

export class TopicStatsStore {
  /** Rows by connection, then topic: no joined key string to build and hash per update. */
  private readonly byConnection = new Map<string, Map<string, StatRow>>()
  private count = 0
  private readonly listeners = new Set<() => void>()
  private byNameCache: StatRow[] | null = null
  /** Bumps on every change. */
  version = 0
  /** When the latest totals arrived: rates are shown as of then. */
  updatedAt = 0

  get size(): number {
    return this.count
  }

  /** How many connections the topics come from (a column for it when more than one). */
  get connections(): number {
    return this.byConnection.size
  }

  /** Every topic's latest counters, by connection and topic. */
  get all(): readonly TopicStat[] {
    return this.sorted('name', false, Date.now()).map((r) => r.stat)
  }

  load(stats: readonly TopicStat[]): void {
    this.byConnection.clear()
    this.count = 0
    this.byNameCache = null
    this.update(stats, true)
  }

  /** Stats in a batch are the latest totals of the topics that changed. */
  update(stats: readonly TopicStat[], force = false, now = Date.now()): void {
    if (stats.length === 0 && !force) return
    let connection: string | undefined
    let rows: Map<string, StatRow> | undefined
    for (const s of stats) {
      // A batch is mostly one connection's topics: look it up when it changes.
      if (rows === undefined || s.connection !== connection) {
        connection = s.connection
        rows = this.byConnection.get(connection)
        if (!rows) this.byConnection.set(connection, (rows = new Map()))
      }
      const row = rows.get(s.topic)
      if (!row) {
        rows.set(s.topic, { stat: s, rate: 0, at: now })
        this.count++
        this.byNameCache = null
        continue
      }
      const old = row.stat
      const added = Math.max(0, s.messages - old.messages)
      row.rate = decayedRate(row.rate, row.at, now) + (added * 1000) / RATE_WINDOW_MS
      row.at = now
      // Copied into the row's own record: the batch's records (and their strings, mostly the
      // same as before) die young instead of each surviving into the old generation.
      old.messages = s.messages
      old.errors = s.errors
      if (s.lastError !== old.lastError) old.lastError = s.lastError
      if (s.format !== old.format) old.format = s.format
    }
    this.version++
    this.updatedAt = now
    for (const l of this.listeners) l()
  }

  /** The rows in the table's order (a new array when sorted by a changing figure). */
  sorted(by: StatSort, descending: boolean, now: number): StatRow[] {
    if (!this.byNameCache)
      this.byNameCache = [...this.byConnection.values()]
        .flatMap((m) => [...m.values()])
        .sort(byName)
    const base = this.byNameCache
    if (by === 'name') return descending ? base.slice().reverse() : base
    const figure =
      by === 'messages'
        ? (r: StatRow) => r.stat.messages
        : by === 'errors'
          ? (r: StatRow) => r.stat.errors
          : (r: StatRow) => decayedRate(r.rate, r.at, now)
    // Stable on the name order: equal figures stay alphabetical.
    return base.slice().sort((a, b) => (descending ? figure(b) - figure(a) : figure(a) - figure(b)))
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
