// Min/max per pixel column: a line through a million points looks the same as a line through
// each column's extremes, so the drawn path never exceeds about twice the plot width.
// A gap longer than `gapMs` between two consecutive points becomes a break (a NaN point).
import { lowerBoundNear } from './search'

export interface Decimated {
  t: Float64Array
  v: Float64Array
  /** Number of points; t and v may be views of the input when nothing was reduced. */
  length: number
  /** True when the input range was passed through untouched. */
  passthrough: boolean
}

/** Finds the first minimum and maximum of a range faster than a scan (SeriesBuffer does). */
export interface RangeExtremes {
  /** Indices of the first minimum and first maximum of v over [i0, i1) into out[0], out[1]. */
  extremes(i0: number, i1: number, out: Int32Array): number
}

export interface DecimateOptions {
  /** Block summaries of the same v; without them each column is scanned point by point. */
  index?: RangeExtremes
  /** Consecutive points further apart than this are not joined. */
  gapMs?: number
  /** Arrays to reuse for the result (it is then valid until their next use). */
  output?: Output
}

const pair = new Int32Array(2)

/** The same answer as RangeExtremes by a plain scan. */
function scanExtremes(v: Float64Array, i0: number, i1: number, out: Int32Array): void {
  let lo = i0
  let hi = i0
  for (let i = i0 + 1; i < i1; i++) {
    const y = v[i]
    if (y < v[lo]) lo = i
    else if (y > v[hi]) hi = i
  }
  out[0] = lo
  out[1] = hi
}

/**
 * Reduces the points [i0, i1) of (t, v), which are sorted by t, to the first point, the last
 * point and the minimum and maximum of every pixel column of [x0, x1) split into `width`
 * columns, in time order. Points outside [x0, x1) (the range holds one on each side so the
 * line reaches the edges) are kept as they are. Ranges with no more points than columns come
 * back as views unless a gap has to be marked.
 */
export function decimateMinMax(
  t: Float64Array,
  v: Float64Array,
  i0: number,
  i1: number,
  x0: number,
  x1: number,
  width: number,
  options: DecimateOptions = {}
): Decimated {
  const gapMs = options.gapMs ?? Infinity
  const columns = Math.max(1, Math.floor(width))
  const count = Math.max(0, i1 - i0)
  if (count <= columns || !(x1 > x0)) return withBreaks(t, v, i0, i0 + count, gapMs)

  const a = lowerBoundNear(t, x0, i0, i1)
  const b = lowerBoundNear(t, x1, a, i1)
  const edges = a - i0 + (i1 - b)
  const size = 2 * edges + 3 * columns + 2
  const out = options.output ? options.output.reset(size) : new Output(size)
  out.point(i0, t[i0], v[i0])
  for (let i = i0; i < a; i++) out.group(t[i], t[i - 1], gapMs, i > i0).point(i, t[i], v[i])
  // t is sorted, so each column is an index run found by search; its extremes come from the
  // block index (or a scan of values only).
  const step = (x1 - x0) / columns
  let start = a
  for (let c = 0; c < columns && start < b; c++) {
    const end = c === columns - 1 ? b : lowerBoundNear(t, x0 + (c + 1) * step, start, b)
    if (end <= start) continue
    if (options.index) options.index.extremes(start, end, pair)
    else scanExtremes(v, start, end, pair)
    out.group(t[start], t[start - 1], gapMs, start > i0)
    const [p, q] = pair[0] < pair[1] ? [pair[0], pair[1]] : [pair[1], pair[0]]
    out.point(p, t[p], v[p])
    out.point(q, t[q], v[q])
    start = end
  }
  for (let i = b; i < i1; i++) out.group(t[i], t[i - 1], gapMs, i > i0).point(i, t[i], v[i])
  out.point(i1 - 1, t[i1 - 1], v[i1 - 1])
  return out.result()
}

/**
 * Collects decimated points, each once and in order (by index), with a NaN point where a
 * gap starts. Shared by decimateMinMax and the column cache so both give the same result.
 */
export class Output {
  t: Float64Array
  v: Float64Array
  n = 0
  private prev = -Infinity

  constructor(capacity: number) {
    this.t = new Float64Array(capacity)
    this.v = new Float64Array(capacity)
  }

  /** Empties it for reuse with room for `capacity` points (the arrays grow, never shrink). */
  reset(capacity: number): this {
    if (this.t.length < capacity) {
      this.t = new Float64Array(capacity)
      this.v = new Float64Array(capacity)
    }
    this.n = 0
    this.prev = -Infinity
    return this
  }

  /** Starts a group (a column or an edge point): a break when it follows a gap. */
  group(first: number, before: number, gapMs: number, hasBefore: boolean): this {
    if (hasBefore && this.n > 0 && first - before > gapMs) {
      this.t[this.n] = NaN
      this.v[this.n++] = NaN
    }
    return this
  }

  /** Adds the point with this (absolute) index unless it is already in. */
  point(index: number, t: number, v: number): void {
    if (index <= this.prev) return
    this.t[this.n] = t
    this.v[this.n++] = v
    this.prev = index
  }

  result(): Decimated {
    const { t, v, n } = this
    return { t: t.subarray(0, n), v: v.subarray(0, n), length: n, passthrough: false }
  }
}

/** The points [i0, i1) as views, or as a copy with a NaN point at each gap. */
function withBreaks(t: Float64Array, v: Float64Array, i0: number, i1: number, gapMs: number) {
  let gaps = 0
  if (gapMs < Infinity) for (let i = i0 + 1; i < i1; i++) if (t[i] - t[i - 1] > gapMs) gaps++
  if (gaps === 0) {
    return { t: t.subarray(i0, i1), v: v.subarray(i0, i1), length: i1 - i0, passthrough: true }
  }
  const n = i1 - i0 + gaps
  const outT = new Float64Array(n)
  const outV = new Float64Array(n)
  let k = 0
  for (let i = i0; i < i1; i++) {
    if (i > i0 && t[i] - t[i - 1] > gapMs) {
      outT[k] = NaN
      outV[k++] = NaN
    }
    outT[k] = t[i]
    outV[k++] = v[i]
  }
  return { t: outT, v: outV, length: n, passthrough: false }
}

const GAP_FACTOR = 5
const SAMPLES = 63
const sample = new Float64Array(SAMPLES)

/**
 * How far apart two points may be and still be joined: GAP_FACTOR times the median interval
 * of the series, sampled evenly over [i0, i1) so that it follows the data in view. Infinity
 * when there are too few intervals to tell.
 */
export function gapThreshold(t: ArrayLike<number>, i0: number, i1: number): number {
  const intervals = i1 - i0 - 1
  if (intervals < 3) return Infinity
  const k = Math.min(SAMPLES, intervals)
  let m = 0
  for (let s = 0; s < k; s++) {
    const j = i0 + Math.floor((s * (intervals - 1)) / Math.max(1, k - 1))
    const d = t[j + 1] - t[j]
    // Repeated timestamps (a burst in one millisecond) say nothing about the rate.
    if (d > 0) sample[m++] = d
  }
  if (m < 3) return Infinity
  const sorted = sample.subarray(0, m).sort()
  return GAP_FACTOR * sorted[m >> 1]
}
