// One series' points in columnar typed arrays outside React state: React never sees the
// points, so a batch of thousands of readings costs no re-render.
import { BlockIndex } from './block-index'
import { upperBound } from './search'

export const DEFAULT_CAPACITY = 2_000_000
const INITIAL_SIZE = 1024
const START_SIZE = 16

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
  private readonly index = new BlockIndex()
  /** Points dropped from the front so far: view index i is point number offset + i. */
  offset = 0
  /** Counts changes other than appending and dropping the oldest (late inserts, clear). */
  edits = 0

  constructor(readonly capacity: number = DEFAULT_CAPACITY) {
    if (!(capacity >= 1)) throw new Error('capacity must be at least 1')
    // Slack lets the window slide for capacity/8 points between copies.
    this.maxBacking = capacity + Math.max(16, Math.ceil(capacity / 8))
    // Small at first (it doubles as points come): most series hold few points.
    const size = Math.min(START_SIZE, this.maxBacking)
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
    this.offset += this.end - this.start
    this.edits++
    this.start = 0
    this.end = 0
    this.index.reset()
  }

  /**
   * Indices (in the live window) of the first minimum and first maximum of v over [i0, i1)
   * into out[0] and out[1], -1 when empty; returns the sum. Reads block summaries, so a
   * million points cost a few thousand steps.
   */
  extremes(i0: number, i1: number, out: Int32Array): number {
    this.index.update(this.vBuf, this.end)
    const sum = this.index.scan(this.vBuf, this.start + i0, this.start + i1, out)
    if (out[0] >= 0) out[0] -= this.start
    if (out[1] >= 0) out[1] -= this.start
    return sum
  }

  /** Appends points; out-of-order points are inserted in place and exact repeats skipped. */
  append(t: ArrayLike<number>, v: ArrayLike<number>): number {
    let n = Math.min(t.length, v.length)
    let from = 0
    if (n > this.capacity) {
      from = n - this.capacity
      n = this.capacity
    }
    // The usual batch is finite and newer than everything held: copy it in one go, or adopt
    // its arrays when the buffer is empty (a snapshot of history: no copy of a million
    // points before the first frame; adopted arrays are never written, growth copies them).
    const run =
      t instanceof Float64Array && v instanceof Float64Array
        ? this.orderedRun(t, v, from, from + n)
        : 0
    if (run === n && n >= INITIAL_SIZE && this.length === 0 && t.length === n && v.length === n) {
      this.tBuf = t as Float64Array
      this.vBuf = v as Float64Array
      this.start = 0
      this.end = n
      this.index.reset()
      return n
    }
    this.reserve(n)
    const tb = this.tBuf
    const vb = this.vBuf
    let added = run
    if (run > 0) {
      tb.set((t as Float64Array).subarray(from, from + run), this.end)
      vb.set((v as Float64Array).subarray(from, from + run), this.end)
      this.end += run
      n -= run
      from += run
    }
    for (let k = from; k < from + n; k++) {
      const x = t[k]
      const y = v[k]
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue
      const last = this.end > this.start ? tb[this.end - 1] : -Infinity
      if (x > last || (x === last && !this.repeats(this.end, x, y))) {
        // A reading with the newest time (several in one millisecond) is still an append.
        tb[this.end] = x
        vb[this.end] = y
        this.end++
        added++
      } else if (this.insert(x, y)) {
        added++
      }
    }
    if (this.end - this.start > this.capacity) {
      this.offset += this.end - this.capacity - this.start
      this.start = this.end - this.capacity
    }
    return added
  }

  /** How many points from `from` on are finite and each newer than the one before. */
  private orderedRun(t: Float64Array, v: Float64Array, from: number, to: number): number {
    let prev = this.end > this.start ? this.tBuf[this.end - 1] : -Infinity
    let k = from
    for (; k < to; k++) {
      const x = t[k]
      if (!(x > prev && x < Infinity) || v[k] - v[k] !== 0) break
      prev = x
    }
    return k - from
  }

  /** A snapshot and the batch after it may overlap: the same reading twice is one point. */
  private repeats(p: number, x: number, y: number): boolean {
    for (let i = p - 1; i >= this.start && this.tBuf[i] === x; i--)
      if (this.vBuf[i] === y) return true
    return false
  }

  private insert(x: number, y: number): boolean {
    const tb = this.tBuf
    const vb = this.vBuf
    const p = upperBound(tb, x, this.start, this.end)
    if (this.repeats(p, x, y)) return false
    tb.copyWithin(p + 1, p, this.end)
    vb.copyWithin(p + 1, p, this.end)
    this.index.invalidateFrom(p)
    tb[p] = x
    vb[p] = y
    this.end++
    this.edits++
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
        // Points that stay where they were keep their block summaries.
        if (this.start !== 0) this.index.reset()
        this.start = 0
        this.end = len
        if (this.end + n <= size) return
      }
    }
    const keep = Math.min(len, this.capacity - n)
    this.offset += len - keep
    this.tBuf.copyWithin(0, this.end - keep, this.end)
    this.vBuf.copyWithin(0, this.end - keep, this.end)
    this.start = 0
    this.end = keep
    this.index.reset()
  }
}
