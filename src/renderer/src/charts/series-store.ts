// Chart data lives here, in columnar typed arrays outside React state: React never sees the
// points, so a batch of thousands of readings costs no re-render.
import type { CaptureBatch, HistorySnapshot, SeriesData, SeriesDef } from '../../../shared/types'

export const DEFAULT_CAPACITY = 2_000_000
const INITIAL_SIZE = 1024

/** First index i in [lo, hi) with t[i] >= x (hi when none). */
export function lowerBound(t: ArrayLike<number>, x: number, lo = 0, hi = t.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (t[mid] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First index i in [lo, hi) with t[i] > x (hi when none). */
export function upperBound(t: ArrayLike<number>, x: number, lo = 0, hi = t.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (t[mid] <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Index range [i0, i1) of the points inside [x0, x1], widened by one point on each side so a
 * line reaches the plot edges instead of stopping at the first visible point.
 */
export function visibleRange(t: ArrayLike<number>, x0: number, x1: number): [number, number] {
  const i0 = Math.max(0, lowerBound(t, x0) - 1)
  const i1 = Math.min(t.length, upperBound(t, x1) + 1)
  return i0 < i1 ? [i0, i1] : [i0, i0]
}

/**
 * One series: sorted by t, holding at most `capacity` points (the oldest are dropped).
 * The live points are the window [start, end) of the backing arrays; the window slides and is
 * copied back to 0 only when it hits the end, so appending costs O(1) amortized per point.
 */
export class SeriesBuffer {
  private tBuf: Float64Array
  private vBuf: Float64Array
  private start = 0
  private end = 0
  private readonly maxBacking: number

  constructor(readonly capacity: number = DEFAULT_CAPACITY) {
    if (!(capacity >= 1)) throw new Error('capacity must be at least 1')
    // Slack lets the window slide for capacity/8 points between copies.
    this.maxBacking = capacity + Math.max(16, Math.ceil(capacity / 8))
    const size = Math.min(INITIAL_SIZE, this.maxBacking)
    this.tBuf = new Float64Array(size)
    this.vBuf = new Float64Array(size)
  }

  get length(): number {
    return this.end - this.start
  }

  /** Views (no copy) of the live times and values; valid until the next append. */
  get t(): Float64Array {
    return this.tBuf.subarray(this.start, this.end)
  }

  get v(): Float64Array {
    return this.vBuf.subarray(this.start, this.end)
  }

  get lastT(): number {
    return this.end > this.start ? this.tBuf[this.end - 1] : NaN
  }

  get lastV(): number {
    return this.end > this.start ? this.vBuf[this.end - 1] : NaN
  }

  get firstT(): number {
    return this.end > this.start ? this.tBuf[this.start] : NaN
  }

  clear(): void {
    this.start = 0
    this.end = 0
  }

  /** Appends points; out-of-order points are inserted in place and exact repeats skipped. */
  append(t: ArrayLike<number>, v: ArrayLike<number>): number {
    let n = Math.min(t.length, v.length)
    let from = 0
    if (n > this.capacity) {
      from = n - this.capacity
      n = this.capacity
    }
    this.reserve(n)
    const tb = this.tBuf
    const vb = this.vBuf
    let added = 0
    for (let k = from; k < from + n; k++) {
      const x = t[k]
      const y = v[k]
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue
      if (this.end === this.start || x > tb[this.end - 1]) {
        tb[this.end] = x
        vb[this.end] = y
        this.end++
        added++
      } else if (this.insert(x, y)) {
        added++
      }
    }
    if (this.end - this.start > this.capacity) this.start = this.end - this.capacity
    return added
  }

  private insert(x: number, y: number): boolean {
    const tb = this.tBuf
    const vb = this.vBuf
    const p = upperBound(tb, x, this.start, this.end)
    // A snapshot and the batch after it may overlap: the same reading twice is one point.
    for (let i = p - 1; i >= this.start && tb[i] === x; i--) if (vb[i] === y) return false
    tb.copyWithin(p + 1, p, this.end)
    vb.copyWithin(p + 1, p, this.end)
    tb[p] = x
    vb[p] = y
    this.end++
    return true
  }

  /** Makes room for n more points at the end, growing or sliding the window back to 0. */
  private reserve(n: number): void {
    if (this.end + n <= this.tBuf.length) return
    const len = this.end - this.start
    if (this.tBuf.length < this.maxBacking) {
      let size = this.tBuf.length
      while (size < len + n && size < this.maxBacking) size *= 2
      size = Math.min(size, this.maxBacking)
      if (size > this.tBuf.length) {
        const t = new Float64Array(size)
        const v = new Float64Array(size)
        t.set(this.tBuf.subarray(this.start, this.end))
        v.set(this.vBuf.subarray(this.start, this.end))
        this.tBuf = t
        this.vBuf = v
        this.start = 0
        this.end = len
        if (this.end + n <= size) return
      }
    }
    const keep = Math.min(len, this.capacity - n)
    this.tBuf.copyWithin(0, this.end - keep, this.end)
    this.vBuf.copyWithin(0, this.end - keep, this.end)
    this.start = 0
    this.end = keep
  }
}

export type DataListener = (changed: ReadonlySet<number>) => void

/** All series of the session, keyed by SeriesDef.id, with change notifications. */
export class SeriesStore {
  private readonly defsById = new Map<number, SeriesDef>()
  private readonly buffers = new Map<number, SeriesBuffer>()
  private readonly dataListeners = new Set<DataListener>()
  private readonly defsListeners = new Set<() => void>()
  private defsList: SeriesDef[] = []

  constructor(readonly capacity: number = DEFAULT_CAPACITY) {}

  /** Series definitions in id order; a new array only when the set changed. */
  get defs(): readonly SeriesDef[] {
    return this.defsList
  }

  get(id: number): SeriesBuffer | undefined {
    return this.buffers.get(id)
  }

  def(id: number): SeriesDef | undefined {
    return this.defsById.get(id)
  }

  /** Replaces everything with a snapshot (start-up, or after the transport reconnected). */
  loadSnapshot(snapshot: HistorySnapshot): void {
    this.defsById.clear()
    this.buffers.clear()
    this.defsList = []
    this.apply(snapshot.defs, snapshot.series, true)
  }

  applyBatch(batch: CaptureBatch): void {
    this.apply(batch.defs, batch.series, false)
  }

  reset(): void {
    this.loadSnapshot({ defs: [], series: [], topics: [] })
  }

  onData(listener: DataListener): () => void {
    this.dataListeners.add(listener)
    return () => this.dataListeners.delete(listener)
  }

  onDefs(listener: () => void): () => void {
    this.defsListeners.add(listener)
    return () => this.defsListeners.delete(listener)
  }

  private apply(defs: SeriesDef[], series: SeriesData[], replaced: boolean): void {
    let defsChanged = replaced
    for (const def of defs) {
      const old = this.defsById.get(def.id)
      if (!old || old.unit !== def.unit || old.field !== def.field || old.topic !== def.topic) {
        defsChanged = true
      }
      this.defsById.set(def.id, def)
      if (!this.buffers.has(def.id)) this.buffers.set(def.id, new SeriesBuffer(this.capacity))
    }
    const changed = new Set<number>()
    for (const s of series) {
      const buffer = this.buffers.get(s.id)
      // Points for a series never defined cannot be labelled; the core always sends defs first.
      if (!buffer) continue
      if (buffer.append(s.t, s.v) > 0) changed.add(s.id)
    }
    if (defsChanged) {
      this.defsList = [...this.defsById.values()].sort((a, b) => a.id - b.id)
      for (const l of this.defsListeners) l()
    }
    if (changed.size > 0 || replaced) for (const l of this.dataListeners) l(changed)
  }
}
