// Min/max per pixel column: a line through a million points looks the same as a line through
// each column's extremes, so the drawn path never exceeds about twice the plot width.
import { lowerBound } from './series-store'

export interface Decimated {
  t: Float64Array
  v: Float64Array
  /** Number of points; t and v may be views of the input when nothing was reduced. */
  length: number
  /** True when the input range was passed through untouched. */
  passthrough: boolean
}

/**
 * Reduces the points [i0, i1) of (t, v), which are sorted by t, to the first point, the last
 * point and the minimum and maximum of every pixel column of [x0, x1] split into `width`
 * columns, in time order. Ranges with no more points than columns come back as views.
 */
export function decimateMinMax(
  t: Float64Array,
  v: Float64Array,
  i0: number,
  i1: number,
  x0: number,
  x1: number,
  width: number
): Decimated {
  const columns = Math.max(1, Math.floor(width))
  const count = Math.max(0, i1 - i0)
  if (count <= columns || !(x1 > x0)) {
    return {
      t: t.subarray(i0, i0 + count),
      v: v.subarray(i0, i0 + count),
      length: count,
      passthrough: true
    }
  }
  const outT = new Float64Array(columns * 2 + 2)
  const outV = new Float64Array(columns * 2 + 2)
  let n = 0
  let prev = -1
  const emit = (i: number): void => {
    if (i === prev) return
    outT[n] = t[i]
    outV[n] = v[i]
    n++
    prev = i
  }
  emit(i0)
  // t is sorted, so each column is an index run found by binary search; the scan inside a
  // run only compares values (no per-point division), which keeps a million points cheap.
  // Points left of x0 fall in the first column, points right of x1 in the last.
  const step = (x1 - x0) / columns
  let start = i0
  for (let c = 0; c < columns && start < i1; c++) {
    const end = c === columns - 1 ? i1 : lowerBound(t, x0 + (c + 1) * step, start, i1)
    if (end <= start) continue
    let lo = start
    let hi = start
    let loV = v[start]
    let hiV = loV
    for (let i = start + 1; i < end; i++) {
      const y = v[i]
      if (y < loV) {
        loV = y
        lo = i
      } else if (y > hiV) {
        hiV = y
        hi = i
      }
    }
    // Both extremes in the order they occurred.
    if (lo < hi) {
      emit(lo)
      emit(hi)
    } else {
      emit(hi)
      emit(lo)
    }
    start = end
  }
  if (i1 - 1 > prev) emit(i1 - 1)
  return { t: outT.subarray(0, n), v: outV.subarray(0, n), length: n, passthrough: false }
}
