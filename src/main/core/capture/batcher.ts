import type { CaptureBatch, PointRuns, SeriesDef, TopicStatRows } from '../../../shared/types'

const DEFAULT_INTERVAL_MS = 50
/** Pending points that trigger an early flush, so one batch never grows unbounded. */
const DEFAULT_MAX_POINTS = 250_000
/** Room for points between flushes at first; it doubles as traffic needs. */
const FIRST_POINTS = 1024
/** Room grown past this by a burst is let go after the flush. */
const KEEP_POINTS = 65_536
/** Series slots before the per-series index first grows. */
const FIRST_SERIES = 1024
/** Calls between looks at the clock while a batch is open (a look costs a clock read). */
const CLOCK_EVERY = 256

/**
 * Collects new points and pushes them to the UI as one batch at most every ~50 ms (or when
 * the size cap is reached): never one push per MQTT message. Without listeners it collects
 * nothing, so a headless capture pays nothing for it.
 */
export class Batcher {
  // The points since the last flush, in arrival order, all series in one log: `at` holds
  // which of the flush's series (1, 2, ... in the order they got their first point) each is.
  private at = new Uint32Array(FIRST_POINTS)
  private t = new Float64Array(FIRST_POINTS)
  private v = new Float64Array(FIRST_POINTS)
  private points = 0
  /** Per series id: its number in this flush's order (0: no points yet). */
  private order = new Uint32Array(FIRST_SERIES)
  /** Series ids in the order they got their first point since the last flush. */
  private ids: number[] = []
  /** Points per series, by its number in that order. */
  private counts = new Uint32Array(FIRST_SERIES)
  private defs: SeriesDef[] = []
  private timer: ReturnType<typeof setTimeout> | null = null
  /** When the open batch began, and calls since the clock was last read. */
  private openedAt = 0
  private calls = 0
  private readonly listeners = new Set<(batch: CaptureBatch) => void>()
  private sendAllDefs = false

  /** `allDefs` lists every known series: a new listener gets them all in its first batch. */
  constructor(
    private readonly allDefs: () => SeriesDef[],
    /** Topic counters changed since the last call (the store tracks which). */
    private readonly drainTopics: () => TopicStatRows,
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
    if (seriesId >= this.order.length) this.order = grown(this.order, seriesId + 1)
    let k = this.order[seriesId]
    if (k === 0) {
      this.ids.push(seriesId)
      k = this.ids.length
      this.order[seriesId] = k
      if (k >= this.counts.length) this.counts = grown(this.counts, k + 1)
    }
    this.counts[k]++
    const n = this.points
    if (n === this.t.length) this.growPoints()
    this.at[n] = k
    this.t[n] = t
    this.v[n] = v
    this.points = n + 1
    if (this.points >= this.maxPoints) this.flush()
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
    const idle = this.ids.length === 0 && this.defs.length === 0 && !this.sendAllDefs
    if (idle && topics.topic.length === 0) return
    const batch: CaptureBatch = {
      defs: this.sendAllDefs ? this.allDefs() : this.defs,
      points: this.group(),
      topics
    }
    this.reset()
    for (const listener of this.listeners) listener(batch)
  }

  /** The log's points series by series, in the order the series got their first point. */
  private group(): PointRuns {
    const n = this.ids.length
    const runs: PointRuns = {
      ids: new Float64Array(n),
      counts: new Float64Array(n),
      t: new Float64Array(this.points),
      v: new Float64Array(this.points)
    }
    const counts = this.counts
    let start = 0
    for (let k = 1; k <= n; k++) {
      runs.ids[k - 1] = this.ids[k - 1]
      runs.counts[k - 1] = counts[k]
      const c = counts[k]
      counts[k] = start // from here on: where the series' next point goes
      start += c
    }
    const { at, t, v } = this
    for (let i = 0; i < this.points; i++) {
      const j = counts[at[i]]++
      runs.t[j] = t[i]
      runs.v[j] = v[i]
    }
    return runs
  }

  /** Every series changed (history reloaded): drop what is pending; listeners reload. */
  restart(): void {
    this.reset()
  }

  dispose(): void {
    this.listeners.clear()
    this.reset()
  }

  /**
   * Makes sure a batch goes out within the interval. A flood keeps the event loop in one
   * read for a second or more (libuv reads a busy socket many times before timers run): the
   * batch then goes out from here, on time, instead of as one batch of everything at the end.
   */
  private schedule(): void {
    if (!this.timer) {
      this.openedAt = Date.now()
      this.calls = 0
      this.timer = setTimeout(() => this.flush(), this.intervalMs)
    } else if (++this.calls >= CLOCK_EVERY) {
      this.calls = 0
      if (Date.now() - this.openedAt >= this.intervalMs) this.flush()
    }
  }

  private growPoints(): void {
    const size = this.t.length * 2
    this.at = grown(this.at, size)
    this.t = grown(this.t, size)
    this.v = grown(this.v, size)
  }

  private reset(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    for (let k = 1; k <= this.ids.length; k++) {
      this.order[this.ids[k - 1]] = 0
      this.counts[k] = 0
    }
    this.ids = []
    this.points = 0
    if (!this.active || this.t.length > KEEP_POINTS) {
      this.at = new Uint32Array(FIRST_POINTS)
      this.t = new Float64Array(FIRST_POINTS)
      this.v = new Float64Array(FIRST_POINTS)
    }
    if (!this.active) {
      this.order = new Uint32Array(FIRST_SERIES)
      this.counts = new Uint32Array(FIRST_SERIES)
    }
    this.defs = []
    this.sendAllDefs = false
  }
}

/** A copy of `array` with room for at least `size` items (doubling, so growth is rare). */
function grown<A extends Float64Array | Uint32Array>(array: A, size: number): A {
  const next = new (array.constructor as { new (n: number): A })(Math.max(size, array.length * 2))
  next.set(array)
  return next
}
