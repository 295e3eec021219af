import type { CaptureBatch, SeriesData, SeriesDef, TopicStat } from '../../../shared/types'

const DEFAULT_INTERVAL_MS = 50
/** Pending points that trigger an early flush, so one batch never grows unbounded. */
const DEFAULT_MAX_POINTS = 250_000
/** Small at first: with 100,000 topics a batch touches thousands of series, most with a point. */
const PENDING_SIZE = 8
/** A series' pending arrays grown past this by a burst are let go after the flush. */
const PENDING_KEEP = 4096
/** A series without points for this many flushes gives its pending arrays up. */
const PENDING_IDLE_FLUSHES = 64

/** One series' points since the last flush; kept from batch to batch (no garbage per batch). */
class Pending {
  t = new Float64Array(PENDING_SIZE)
  v = new Float64Array(PENDING_SIZE)
  n = 0
  /** The flush this series last had points for. */
  flushed = 0

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

  /** The pending points as a copy, leaving it empty. */
  take(id: number): SeriesData {
    const out = { id, t: this.t.slice(0, this.n), v: this.v.slice(0, this.n) }
    this.n = 0
    if (this.t.length > PENDING_KEEP) {
      this.t = new Float64Array(PENDING_SIZE)
      this.v = new Float64Array(PENDING_SIZE)
    }
    return out
  }
}

/**
 * Collects new points and pushes them to the UI as one batch at most every ~50 ms (or when
 * the size cap is reached): never one push per MQTT message. Without listeners it collects
 * nothing, so a headless capture pays nothing for it.
 */
export class Batcher {
  private pending = new Map<number, Pending>()
  /** Series with points since the last flush, in the order they got their first. */
  private touched: Pending[] = []
  private touchedIds: number[] = []
  private flushes = 0
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
    if (p.n === 0) {
      this.touched.push(p)
      this.touchedIds.push(seriesId)
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
    const idle = this.touched.length === 0 && this.defs.length === 0 && !this.sendAllDefs
    if (idle && topics.length === 0) return
    const flushes = ++this.flushes
    const batch: CaptureBatch = {
      defs: this.sendAllDefs ? this.allDefs() : this.defs,
      series: this.touched.map((p, i) => {
        p.flushed = flushes
        return p.take(this.touchedIds[i])
      }),
      topics
    }
    this.reset()
    if (flushes % PENDING_IDLE_FLUSHES === 0) {
      for (const [id, p] of this.pending)
        if (flushes - p.flushed >= PENDING_IDLE_FLUSHES) this.pending.delete(id)
    }
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
    for (const p of this.touched) p.n = 0
    this.touched = []
    this.touchedIds = []
    if (!this.active) this.pending = new Map()
    this.defs = []
    this.points = 0
    this.sendAllDefs = false
  }
}
