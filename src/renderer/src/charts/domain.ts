// How the live view picks its axes: the chosen time window, following the data.

export const LIVE_WINDOW_MS = 10 * 60 * 1000

export type WindowId = '1m' | '10m' | '1h' | '24h' | 'all'

/** Time window presets; `all` spans everything the chart holds. */
export const WINDOWS: readonly { id: WindowId; label: string; ms: number; words: string }[] = [
  { id: '1m', label: '1 min', ms: 60_000, words: 'the last minute' },
  { id: '10m', label: '10 min', ms: LIVE_WINDOW_MS, words: 'the last 10 minutes' },
  { id: '1h', label: '1 h', ms: 3_600_000, words: 'the last hour' },
  { id: '24h', label: '24 h', ms: 86_400_000, words: 'the last 24 hours' },
  { id: 'all', label: 'All', ms: Infinity, words: 'all data' }
]

export const DEFAULT_WINDOW: WindowId = '10m'

export function windowById(id: WindowId) {
  return WINDOWS.find((w) => w.id === id) ?? WINDOWS[1]
}
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

const LADDER = 2 ** (1 / 16)

/**
 * Puts a following x domain on a grid of whole columns: the time per column is fixed by the
 * window (or, while the data is shorter than the window, rounded up to a step of a 1.044
 * ladder) and the domain ends on a column edge. The view then moves by whole pixels and a
 * column keeps its points from frame to frame: no shimmer, and a frame only recomputes the
 * columns that changed. The domain may start up to one ladder step before the data.
 */
export function anchorDomain(
  [start, end]: [number, number],
  windowMs: number,
  columns: number
): [number, number] {
  if (!(columns >= 1)) return [start, end]
  const span = end - start
  const step =
    span >= windowMs
      ? windowMs / columns
      : LADDER ** Math.ceil(Math.log(span / columns) / Math.log(LADDER))
  const e = Math.ceil(end / step) * step
  return [e - columns * step, e]
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
