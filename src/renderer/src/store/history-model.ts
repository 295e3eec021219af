// The history view's model, apart from React and the canvas: ranges, the value domain, and
// the live tail the local capture adds after what the database holds.
import type { HistoryResult, HistorySeries, SeriesKey } from '../../../shared/store-types'

export const RANGE_PRESETS = [
  { id: 'hour', label: 'Last hour', ms: 3_600_000 },
  { id: 'day', label: 'Last day', ms: 86_400_000 },
  { id: 'week', label: 'Last week', ms: 7 * 86_400_000 },
  { id: 'month', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { id: 'year', label: 'Last year', ms: 365 * 86_400_000 }
] as const
export type RangePreset = (typeof RANGE_PRESETS)[number]['id'] | 'custom'

export function presetRange(
  preset: RangePreset,
  now: number
): { fromMs: number; toMs: number } | null {
  const found = RANGE_PRESETS.find((p) => p.id === preset)
  return found ? { fromMs: now - found.ms, toMs: now } : null
}

/** A `datetime-local` input's value (local time, minutes) for an epoch ms. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** The epoch ms of a `datetime-local` value, or null when it is not a time. */
export function fromLocalInput(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null
  const ms = new Date(value).getTime()
  return Number.isFinite(ms) ? ms : null
}

/** One bucket per pixel column, within what the core accepts. */
export function bucketCount(widthPx: number): number {
  return Math.max(10, Math.min(10_000, Math.round(widthPx)))
}

export function keyOf(s: SeriesKey): string {
  return `${s.connection}\u0000${s.topic}\u0000${s.field}`
}

export function seriesLabel(s: SeriesKey & { unit?: string }): string {
  return `${s.topic} · ${s.field}${s.unit ? ` (${s.unit})` : ''}`
}

/** Points of the local capture after `afterMs` and before `toMs`: the live tail. */
export interface Tail {
  t: Float64Array
  v: Float64Array
}

/** Where the database's buckets end: the tail starts after the last bucket that has data. */
export function storedUntil(result: HistoryResult, series: HistorySeries): number {
  const n = series.t.length
  return n === 0 ? -Infinity : series.t[n - 1] + result.bucketMs
}

export function tailOf(t: Float64Array, v: Float64Array, afterMs: number, toMs: number): Tail {
  const i = lowerBound(t, afterMs)
  const j = Math.max(i, lowerBound(t, toMs))
  return { t: t.subarray(i, j), v: v.subarray(i, j) }
}

function lowerBound(t: Float64Array, x: number): number {
  let lo = 0
  let hi = t.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (t[mid] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The values' extent over every series' min and max and the tails; null when empty. */
export function valueDomain(
  series: readonly HistorySeries[],
  tails: readonly (Tail | null)[]
): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  for (const s of series) {
    for (let i = 0; i < s.min.length; i++) {
      if (s.min[i] < lo) lo = s.min[i]
      if (s.max[i] > hi) hi = s.max[i]
    }
  }
  for (const tail of tails) {
    if (!tail) continue
    for (let i = 0; i < tail.v.length; i++) {
      if (tail.v[i] < lo) lo = tail.v[i]
      if (tail.v[i] > hi) hi = tail.v[i]
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null
  if (lo === hi) return [lo - 1, hi + 1]
  return [lo, hi]
}

export function readingsIn(series: HistorySeries): number {
  let n = 0
  for (let i = 0; i < series.count.length; i++) n += series.count[i]
  return n
}
