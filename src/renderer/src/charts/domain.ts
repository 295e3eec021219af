// How the live view picks its axes: the last 10 minutes, following the data.

export const LIVE_WINDOW_MS = 10 * 60 * 1000
/** Data whose latest point is this far from the clock (device clock, replay) is followed instead. */
const CLOCK_TOLERANCE_MS = 60 * 1000

/**
 * The x domain [start, end] in epoch ms. It ends now while the data is live, at the latest
 * point when the data's timestamps are far from the clock, and starts at the first point when
 * the data spans less than the window. Null when there is no data.
 */
export function liveXDomain(
  firstT: number,
  lastT: number,
  now: number,
  windowMs = LIVE_WINDOW_MS
): [number, number] | null {
  if (!Number.isFinite(firstT) || !Number.isFinite(lastT)) return null
  const live = lastT <= now + CLOCK_TOLERANCE_MS && lastT >= now - windowMs
  const end = live ? Math.max(now, lastT) : lastT
  let start = Math.max(end - windowMs, firstT)
  if (!(end > start)) start = end - 1000
  return [start, end]
}

/** Min and max of v over the points whose t lies in [x0, x1]; null when there are none. */
export function extentInRange(
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  length: number,
  x0: number,
  x1: number
): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < length; i++) {
    const x = t[i]
    if (x < x0 || x > x1) continue
    const y = v[i]
    if (y < lo) lo = y
    if (y > hi) hi = y
  }
  return lo <= hi ? [lo, hi] : null
}

/** Widens a degenerate extent so a flat line sits in the middle of the plot. */
export function padExtent(extent: [number, number] | null): [number, number] {
  if (!extent) return [0, 1]
  const [lo, hi] = extent
  if (hi > lo) return [lo, hi]
  const pad = Math.abs(lo) > 1e-9 ? Math.abs(lo) * 0.01 : 1
  return [lo - pad, hi + pad]
}
