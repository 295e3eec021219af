import type { CaptureBatch, SeriesDef, TopicStat } from '../../../shared/types'

const DEFAULT_INTERVAL_MS = 50
/** Pending points that trigger an early flush, so one batch never grows unbounded. */
const DEFAULT_MAX_POINTS = 250_000

class Pending {
  t = new Float64Array(256)
  v = new Float64Array(256)
  n = 0

  push(t: number, v: number): void {
    if (this.n === this.t.length) {
      const t2 = new Float64Array(this.n * 2)
      const v2 = new Float64Array(this.n * 2)
      t2.set(this.t)
      v2.set(this.v)
      this.t = t2
      this.v = v2
    }
    this.t[this.n] = t
    this.v[this.n] = v
    this.n++
  }
}

/**
 * Collects new points and pushes them to the UI as one batch at most every ~50 ms (or when
 * the size cap is reached): never one push per MQTT message. Without listeners it collects
 * nothing, so a headless capture pays nothing for it.
 */
export class Batcher {
  private pending = new Map<number, Pending>()
  private defs: SeriesDef[] = []
  private points = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private readonly listeners = new Set<(batch: CaptureBatch) => void>()
  private sendAllDefs = false

  /** `allDefs` lists every known series: a new listener gets them all in its first batch. */
  constructor(
    private readonly allDefs: () => SeriesDef[],
    /** Topic counters changed since the last call (the store tracks which). */
    private readonly drainTopics: () => TopicStat[],
    private readonly intervalMs = DEFAULT_INTERVAL_MS,
    private readonly maxPoints = DEFAULT_MAX_POINTS
  ) {}

  get active(): boolean {
    return this.listeners.size > 0
  }

  subscribe(listener: (batch: CaptureBatch) => void): () => void {
    this.listeners.add(listener)
    this.sendAllDefs = true
    this.schedule()
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0) this.reset()
    }
  }

  addDef(def: SeriesDef): void {
    if (this.active) this.defs.push(def)
  }

  add(seriesId: number, t: number, v: number): void {
    if (!this.active) return
    let p = this.pending.get(seriesId)
    if (!p) {
      p = new Pending()
      this.pending.set(seriesId, p)
    }
    p.push(t, v)
    if (++this.points >= this.maxPoints) this.flush()
    else this.schedule()
  }

  /** Something besides points changed (topic counters): make sure a batch goes out. */
  touch(): void {
    if (this.active) this.schedule()
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const topics = this.drainTopics()
    const idle = this.pending.size === 0 && this.defs.length === 0 && !this.sendAllDefs
    if (idle && topics.length === 0) return
    const batch: CaptureBatch = {
      defs: this.sendAllDefs ? this.allDefs() : this.defs,
      series: [...this.pending].map(([id, p]) => ({
        id,
        t: p.t.slice(0, p.n),
        v: p.v.slice(0, p.n)
      })),
      topics
    }
    this.reset()
    for (const listener of this.listeners) listener(batch)
  }

  /** Every series changed (history reloaded): drop what is pending; listeners reload. */
  restart(): void {
    this.reset()
  }

  dispose(): void {
    this.listeners.clear()
    this.reset()
  }

  private schedule(): void {
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.intervalMs)
  }

  private reset(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.pending = new Map()
    this.defs = []
    this.points = 0
    this.sendAllDefs = false
  }
}
