// Min/max per pixel column, kept from frame to frame. While a chart follows the clock its
// columns sit on a fixed time grid (ChartView anchors the domain to whole columns), so a new
// frame recomputes only the columns whose points changed, the newest ones and the oldest,
// and reads the rest from here: the cost of a frame no longer grows with the points in view.
// The result is the same as decimateMinMax's for the same range.
import { decimateMinMax, Output, type Decimated } from './decimate'
import { lowerBoundNear } from './search'
import type { SeriesBuffer } from './series-store'

// Per column: point count, first point's number and time, last point's time, then the
// minimum and maximum (number, time, value) in the order they occurred.
const N = 0
const F_ABS = 1
const F_T = 2
const L_T = 3
const P = 4
const Q = 7
const STRIDE = 10

const pair = new Int32Array(2)

export class ColumnCache {
  private cols = new Float64Array(0)
  private size = 0
  private buffer: SeriesBuffer | null = null
  private edits = -1
  private filter = ''
  private step = NaN
  private gridX0 = 0
  /** Columns [from, to) (numbered on the grid) hold valid summaries. */
  private from = 0
  private to = 0
  private seenFirst = NaN
  private seenLast = NaN
  private seenLastT = NaN
  /** Reused from frame to frame: a result is read before the next call. */
  private readonly out = new Output(0)
  private readonly tailOut = new Output(0)
  /** The gap threshold of the last full decimation, for the strips drawn after it. */
  gapMs = Infinity

  /**
   * Decimates the points [i0, i1) of `buffer` (one point beyond [x0, x1) on each side, as
   * ChartView.range gives) within the shown points [lo, hi). `filter` names what decides the
   * shown points (clear, pause): a change recomputes everything. The result's arrays are
   * reused by the next call.
   */
  decimate(
    buffer: SeriesBuffer,
    shown: [number, number],
    range: [number, number],
    x0: number,
    x1: number,
    columns: number,
    gapMs: number,
    filter: string
  ): Decimated {
    const [lo, hi] = shown
    const [i0, i1] = range
    const t = buffer.t
    const v = buffer.v
    this.gapMs = gapMs
    if (i1 - i0 <= columns || !(x1 > x0)) {
      return decimateMinMax(t, v, i0, i1, x0, x1, columns, { gapMs })
    }
    const step = (x1 - x0) / columns
    const at = (x0 - this.gridX0) / step
    let k0 = Math.round(at)
    const stale =
      buffer !== this.buffer ||
      buffer.edits !== this.edits ||
      filter !== this.filter ||
      step !== this.step ||
      Math.abs(at - k0) > 0.01 ||
      // One slot per column: a wider grid (wide columns may cover one more) starts over.
      this.size < columns
    if (stale) {
      this.buffer = buffer
      this.edits = buffer.edits
      this.filter = filter
      this.step = step
      this.gridX0 = x0
      k0 = 0
      this.from = this.to = 0
      if (this.size < columns) {
        this.size = columns + 2
        this.cols = new Float64Array(this.size * STRIDE)
      }
    }
    const col = (time: number): number => Math.floor((time - this.gridX0) / step)
    // Columns that lost their oldest points, and columns new points were appended to. The
    // margins of one column allow for rounding at column edges.
    const first = buffer.offset + lo
    const last = buffer.offset + hi - 1
    if (first !== this.seenFirst && this.to > this.from) {
      this.from = Math.max(this.from, col(t[lo]) + 2)
    }
    if (last !== this.seenLast && this.to > this.from) {
      this.to = Math.min(this.to, col(this.seenLastT) - 1)
    }
    this.seenFirst = first
    this.seenLast = last
    this.seenLastT = t[hi - 1]
    const k1 = k0 + columns
    let from = Math.max(this.from, k0)
    let to = Math.min(this.to, k1)
    if (from >= to) from = to = k0
    this.fill(buffer, lo, hi, k0, from)
    this.fill(buffer, lo, hi, to, k1)
    this.from = k0
    this.to = k1
    return this.emit(buffer, i0, i1, k0, k1, gapMs)
  }

  /**
   * Only the columns from x0 on (a strip at the right, on the same grid), from the point
   * before x0 to i1, with the gap threshold of the last full decimation. Not cached: a strip
   * is a few columns. The result's arrays are reused by the next call.
   */
  decimateTail(
    buffer: SeriesBuffer,
    i0: number,
    i1: number,
    x0: number,
    x1: number,
    columns: number
  ): Decimated {
    return decimateMinMax(buffer.t, buffer.v, i0, i1, x0, x1, columns, {
      gapMs: this.gapMs,
      index: buffer,
      output: this.tailOut
    })
  }

  /** Summarizes columns [ka, kb) from the points. */
  private fill(buffer: SeriesBuffer, lo: number, hi: number, ka: number, kb: number): void {
    if (ka >= kb) return
    const { t, v } = buffer
    const cols = this.cols
    let start = lowerBoundNear(t, this.gridX0 + ka * this.step, lo, hi)
    for (let k = ka; k < kb; k++) {
      const end = lowerBoundNear(t, this.gridX0 + (k + 1) * this.step, start, hi)
      const c = this.slot(k)
      cols[c + N] = end - start
      if (end > start) {
        buffer.extremes(start, end, pair)
        const [p, q] = pair[0] < pair[1] ? [pair[0], pair[1]] : [pair[1], pair[0]]
        cols[c + F_ABS] = buffer.offset + start
        cols[c + F_T] = t[start]
        cols[c + L_T] = t[end - 1]
        cols[c + P] = buffer.offset + p
        cols[c + P + 1] = t[p]
        cols[c + P + 2] = v[p]
        cols[c + Q] = buffer.offset + q
        cols[c + Q + 1] = t[q]
        cols[c + Q + 2] = v[q]
      }
      start = end
    }
  }

  private emit(buffer: SeriesBuffer, i0: number, i1: number, k0: number, k1: number, gap: number) {
    const { t, v, offset } = buffer
    const cols = this.cols
    const x0 = this.gridX0 + k0 * this.step
    const x1 = this.gridX0 + k1 * this.step
    const a = lowerBoundNear(t, x0, i0, i1)
    const b = lowerBoundNear(t, x1, a, i1)
    const out = this.out.reset(2 * (a - i0 + i1 - b) + 3 * (k1 - k0) + 2)
    out.point(offset + i0, t[i0], v[i0])
    for (let i = i0; i < a; i++)
      out.group(t[i], t[i - 1], gap, i > i0).point(offset + i, t[i], v[i])
    let before = a > i0 ? t[a - 1] : NaN
    for (let k = k0; k < k1; k++) {
      const c = this.slot(k)
      if (cols[c + N] === 0) continue
      out.group(cols[c + F_T], before, gap, cols[c + F_ABS] > offset + i0)
      out.point(cols[c + P], cols[c + P + 1], cols[c + P + 2])
      out.point(cols[c + Q], cols[c + Q + 1], cols[c + Q + 2])
      before = cols[c + L_T]
    }
    for (let i = b; i < i1; i++)
      out.group(t[i], t[i - 1], gap, i > i0).point(offset + i, t[i], v[i])
    out.point(offset + i1 - 1, t[i1 - 1], v[i1 - 1])
    return out.result()
  }

  private slot(k: number): number {
    return (((k % this.size) + this.size) % this.size) * STRIDE
  }
}
