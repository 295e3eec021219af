// Searches in a sorted column of times (the SeriesBuffer's t).

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
 * lowerBound for data spread roughly evenly in time: starts where interpolation puts x and
 * gallops from there, so a search touches a few cache lines of a large array instead of the
 * ~20 scattered ones of a plain binary search. Same answer as lowerBound.
 */
export function lowerBoundNear(t: ArrayLike<number>, x: number, lo: number, hi: number): number {
  if (lo >= hi) return lo
  const first = t[lo]
  const last = t[hi - 1]
  if (!(x > first)) return lo
  if (x > last) return hi
  // Here t[lo] < x <= t[hi - 1]: the answer is in (lo, hi - 1].
  let g = lo + Math.floor(((x - first) / (last - first)) * (hi - 1 - lo))
  g = Math.min(hi - 1, Math.max(lo + 1, g))
  // Bracket (a, b] with t[a] < x <= t[b], doubling the step away from the guess.
  let a: number
  let b: number
  let step = 1
  if (t[g] < x) {
    a = g
    for (;;) {
      b = Math.min(hi - 1, a + step)
      if (t[b] >= x) break
      a = b
      step *= 2
    }
  } else {
    b = g
    for (;;) {
      a = Math.max(lo, b - step)
      if (t[a] < x) break
      b = a
      step *= 2
    }
  }
  return lowerBound(t, x, a + 1, b)
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
