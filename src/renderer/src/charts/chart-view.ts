// What one chart shows: its series, time window, pause, zoom, clear and hidden series, and
// the numbers derived from them (x domain, window statistics, values under the cursor).
// No DOM here: the renderer draws from it, the legend and controls read it.
import { anchorDomain, DEFAULT_WINDOW, liveXDomain, windowById, type WindowId } from './domain'
import { lowerBound, upperBound } from './search'
import type { SeriesBuffer, SeriesStore } from './series-store'

export interface ChartLine {
  id: number
  color: string
  label: string
  unit: string
  /** 0: left y axis, 1: right y axis. */
  axis: 0 | 1
}

export interface WindowStats {
  latest: number
  latestT: number
  min: number
  max: number
  mean: number
  count: number
}

export interface HoverPoint {
  id: number
  t: number
  v: number
}

const pair = new Int32Array(2)

export class ChartView {
  private windowId: WindowId = DEFAULT_WINDOW
  /** Paused: points after this time are held back. */
  private cut: number | null = null
  /** The domain shown when paused. */
  private frozen: [number, number] | null = null
  /** Cleared: points at or before this time are not shown. */
  private floor = -Infinity
  private manual: [number, number] | null = null
  private hiddenIds = new Set<number>()
  private lineList: ChartLine[] = []
  private watchedIds: number[] = []
  private releaseLines: () => void = () => undefined
  private visibleList: ChartLine[] = []
  private readonly listeners = new Set<() => void>()
  private readonly frameListeners = new Set<() => void>()
  /** The x domain of the last frame drawn. */
  domain: [number, number] | null = null
  /** Changes when paused, zoomed or the window change (for controls); not per frame. */
  version = 0

  constructor(
    readonly store: SeriesStore,
    readonly now: () => number = Date.now
  ) {}

  get lines(): readonly ChartLine[] {
    return this.lineList
  }

  /** The lines not hidden (the same array until the lines or the hidden ones change). */
  get visibleLines(): readonly ChartLine[] {
    return this.visibleList
  }

  get paused(): boolean {
    return this.cut !== null
  }

  get zoomed(): boolean {
    return this.manual !== null
  }

  get window(): WindowId {
    return this.windowId
  }

  /** Sets the lines; the store keeps their points (and loads those of a new one) meanwhile. */
  setLines(lines: ChartLine[]): void {
    const ids = lines.map((l) => l.id)
    if (ids.length !== this.watchedIds.length || ids.some((id, i) => id !== this.watchedIds[i])) {
      // The new set first: a series in both keeps its points.
      const release = this.releaseLines
      this.releaseLines = this.store.watch(ids)
      this.watchedIds = ids
      release()
    }
    this.lineList = lines
    this.visibleList = lines.filter((l) => !this.hiddenIds.has(l.id))
    this.changed(false)
  }

  setHidden(ids: Iterable<number>): void {
    this.hiddenIds = new Set(ids)
    this.visibleList = this.lineList.filter((l) => !this.hiddenIds.has(l.id))
    this.changed(false)
  }

  setWindow(id: WindowId): void {
    if (id === this.windowId) return
    this.windowId = id
    this.manual = null
    this.frozen = null
    this.changed(true)
  }

  /** The chart is gone: the store need not keep its series' points for it. */
  dispose(): void {
    this.releaseLines()
    this.releaseLines = () => undefined
    this.watchedIds = []
  }

  /** Holds the view as it is: the same domain, nothing newer than what is drawn. */
  pause(): void {
    if (this.cut !== null) return
    let newest = -Infinity
    for (const l of this.lineList) {
      const buffer = this.store.get(l.id)
      if (buffer && buffer.length > 0)
        newest = Math.max(newest, buffer.t[this.shown(buffer)[1] - 1])
    }
    this.cut = Number.isFinite(newest) ? newest : this.now()
    this.frozen = this.domain
    this.changed(true)
  }

  /** Back to live: the newest data, following the window (a zoom ends too). */
  resume(): void {
    this.cut = null
    this.frozen = null
    this.manual = null
    this.changed(true)
  }

  /** Hides everything received so far from this chart; the store and the capture keep it. */
  clear(): void {
    let last = this.cut ?? -Infinity
    for (const l of this.lineList) last = Math.max(last, this.store.get(l.id)?.lastT ?? -Infinity)
    this.floor = Number.isFinite(last) ? last : this.now()
    this.manual = null
    this.frozen = null
    this.changed(true)
  }

  setManualDomain(domain: [number, number]): void {
    const [a, b] = domain
    if (!(Number.isFinite(a) && Number.isFinite(b) && b > a)) return
    const wasZoomed = this.manual !== null
    this.manual = [a, b]
    this.changed(!wasZoomed)
  }

  resetZoom(): void {
    if (!this.manual) return
    this.manual = null
    this.changed(true)
  }

  /** Any change: the renderer redraws; controls re-render when `version` moved. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  onFrame(listener: () => void): () => void {
    this.frameListeners.add(listener)
    return () => this.frameListeners.delete(listener)
  }

  frameDrawn(domain: [number, number] | null): void {
    this.domain = domain
    for (const l of this.frameListeners) l()
  }

  /** [lo, hi): the indices of the points this chart may show at all (after clear, before cut). */
  shown(buffer: SeriesBuffer): [number, number] {
    const t = buffer.t
    const lo = this.floor > -Infinity ? upperBound(t, this.floor) : 0
    const hi = this.cut !== null ? upperBound(t, this.cut, lo) : t.length
    return [lo, Math.max(lo, hi)]
  }

  /** Indices of the shown points inside [x0, x1], widened by one point on each side. */
  range(buffer: SeriesBuffer, x0: number, x1: number): [number, number] {
    const t = buffer.t
    const [lo, hi] = this.shown(buffer)
    const i0 = Math.max(lo, lowerBound(t, x0, lo, hi) - 1)
    const i1 = Math.min(hi, upperBound(t, x1, lo, hi) + 1)
    return i0 < i1 ? [i0, i1] : [i0, i0]
  }

  /** What decides the shown points (clear, pause), for caches of what was computed from them. */
  get filterKey(): string {
    return `${this.floor}:${this.cut}`
  }

  /**
   * The x domain to draw: the zoomed range, else the window ending now (or at the pause),
   * put on a grid of `columns` columns when given (see anchorDomain).
   */
  computeDomain(columns = 0): [number, number] | null {
    if (this.manual) return this.manual
    if (this.frozen) return this.frozen
    let first = Infinity
    let last = -Infinity
    const lines = this.visibleLines.length > 0 ? this.visibleLines : this.lineList
    for (const l of lines) {
      const buffer = this.store.get(l.id)
      if (!buffer) continue
      const [lo, hi] = this.shown(buffer)
      if (lo >= hi) continue
      first = Math.min(first, buffer.t[lo])
      last = Math.max(last, buffer.t[hi - 1])
    }
    const windowMs = windowById(this.windowId).ms
    const live = liveXDomain(first, last, this.cut ?? this.now(), windowMs)
    return live && columns > 0 ? anchorDomain(live, windowMs, columns) : live
  }

  /** Latest, min, max and mean of one series over the last drawn domain. */
  stats(id: number): WindowStats | null {
    const buffer = this.store.get(id)
    if (!buffer || !this.domain) return null
    const t = buffer.t
    const [lo, hi] = this.shown(buffer)
    const s = lowerBound(t, this.domain[0], lo, hi)
    const e = upperBound(t, this.domain[1], s, hi)
    if (e <= s) return null
    const sum = buffer.extremes(s, e, pair)
    const v = buffer.v
    return {
      latest: v[e - 1],
      latestT: t[e - 1],
      min: v[pair[0]],
      max: v[pair[1]],
      mean: sum / (e - s),
      count: e - s
    }
  }

  /**
   * The values under the cursor at time `at`: the shown point nearest in time over all
   * visible series gives the time, then each series' point nearest that time.
   */
  valuesAt(at: number): { t: number; points: HoverPoint[] } | null {
    let best: number | null = null
    for (const l of this.visibleLines) {
      const p = this.nearest(l.id, at)
      if (p && (best === null || Math.abs(p.t - at) < Math.abs(best - at))) best = p.t
    }
    if (best === null) return null
    const points: HoverPoint[] = []
    for (const l of this.visibleLines) {
      const p = this.nearest(l.id, best)
      if (p) points.push(p)
    }
    return { t: best, points }
  }

  private nearest(id: number, at: number): HoverPoint | null {
    const buffer = this.store.get(id)
    if (!buffer) return null
    const [lo, hi] = this.shown(buffer)
    if (lo >= hi) return null
    const t = buffer.t
    let j = lowerBound(t, at, lo, hi)
    if (j === hi || (j > lo && at - t[j - 1] <= t[j] - at)) j--
    return { id, t: t[j], v: buffer.v[j] }
  }

  private changed(controls: boolean): void {
    if (controls) this.version++
    for (const l of this.listeners) l()
  }
}
