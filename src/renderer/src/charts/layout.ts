// The dashboard layout: which charts, in which order, showing which series, over which time
// window. Saved opaque in settings.ui.layout, so it is validated here when it comes back.
// Series are named by connection, topic and field: series ids are per run.
import type { SeriesDef } from '../../../shared/types'
import { DEFAULT_WINDOW, WINDOWS, type WindowId } from './domain'
import { groupSeries } from './grouping'

export interface SeriesKey {
  connection: string
  topic: string
  field: string
}

export interface ChartConfig {
  id: string
  series: SeriesKey[]
  hidden: SeriesKey[]
  window: WindowId
}

export interface DashboardLayout {
  version: 1
  charts: ChartConfig[]
}

export const MAX_CHARTS = 50
export const MAX_SERIES_PER_CHART = 50

export function keyOf(s: SeriesKey): string {
  return `${s.connection}\u0000${s.topic}\u0000${s.field}`
}

export function keyFromDef(def: SeriesDef): SeriesKey {
  return { connection: def.connection, topic: def.topic, field: def.field }
}

/** One chart per unit (per field without a unit), as the dashboard starts before any edit. */
export function defaultLayout(defs: readonly SeriesDef[]): DashboardLayout {
  const byId = new Map(defs.map((d) => [d.id, d]))
  return {
    version: 1,
    charts: groupSeries(defs).map((g) => ({
      id: g.key,
      series: g.seriesIds.map((id) => keyFromDef(byId.get(id)!)),
      hidden: [],
      window: DEFAULT_WINDOW
    }))
  }
}

const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max

function parseKey(raw: unknown): SeriesKey | null {
  if (typeof raw !== 'object' || raw === null) return null
  const { connection, topic, field } = raw as Record<string, unknown>
  if (!isText(connection, 200) || !isText(topic, 1024) || !isText(field, 200)) return null
  return { connection, topic, field }
}

function parseKeys(raw: unknown): SeriesKey[] | null {
  if (!Array.isArray(raw) || raw.length > MAX_SERIES_PER_CHART) return null
  const keys = raw.map(parseKey)
  if (keys.some((k) => k === null)) return null
  const seen = new Set<string>()
  return (keys as SeriesKey[]).filter((k) => !seen.has(keyOf(k)) && seen.add(keyOf(k)))
}

/** A saved layout, or null when it is missing or not one this version wrote. */
export function parseLayout(raw: unknown): DashboardLayout | null {
  if (typeof raw !== 'object' || raw === null) return null
  const { version, charts } = raw as Record<string, unknown>
  if (version !== 1 || !Array.isArray(charts) || charts.length > MAX_CHARTS) return null
  const out: ChartConfig[] = []
  const ids = new Set<string>()
  for (const c of charts as unknown[]) {
    if (typeof c !== 'object' || c === null) return null
    const { id, series, hidden, window } = c as Record<string, unknown>
    if (!isText(id, 100) || id === '' || ids.has(id)) return null
    const seriesKeys = parseKeys(series)
    const hiddenKeys = parseKeys(hidden ?? [])
    if (!seriesKeys || !hiddenKeys) return null
    ids.add(id)
    out.push({
      id,
      series: seriesKeys,
      hidden: hiddenKeys,
      window: WINDOWS.some((w) => w.id === window) ? (window as WindowId) : DEFAULT_WINDOW
    })
  }
  return { version: 1, charts: out }
}

export function updateChart(
  layout: DashboardLayout,
  id: string,
  change: (chart: ChartConfig) => ChartConfig
): DashboardLayout {
  return { ...layout, charts: layout.charts.map((c) => (c.id === id ? change(c) : c)) }
}

export function addChart(layout: DashboardLayout, id: string): DashboardLayout {
  if (layout.charts.length >= MAX_CHARTS) return layout
  const chart: ChartConfig = { id, series: [], hidden: [], window: DEFAULT_WINDOW }
  return { ...layout, charts: [...layout.charts, chart] }
}

export function removeChart(layout: DashboardLayout, id: string): DashboardLayout {
  return { ...layout, charts: layout.charts.filter((c) => c.id !== id) }
}

export function moveChart(layout: DashboardLayout, id: string, delta: number): DashboardLayout {
  const from = layout.charts.findIndex((c) => c.id === id)
  const to = from + delta
  if (from < 0 || to < 0 || to >= layout.charts.length) return layout
  const charts = [...layout.charts]
  const [chart] = charts.splice(from, 1)
  charts.splice(to, 0, chart)
  return { ...layout, charts }
}

/** Adds or removes one series; a removed series is no longer hidden either. */
export function toggleSeries(chart: ChartConfig, key: SeriesKey, on: boolean): ChartConfig {
  const k = keyOf(key)
  const series = chart.series.filter((s) => keyOf(s) !== k)
  if (on && series.length < MAX_SERIES_PER_CHART) series.push(key)
  const hidden = on ? chart.hidden : chart.hidden.filter((s) => keyOf(s) !== k)
  return { ...chart, series, hidden }
}

export function toggleHidden(chart: ChartConfig, key: SeriesKey): ChartConfig {
  const k = keyOf(key)
  const hidden = chart.hidden.some((s) => keyOf(s) === k)
    ? chart.hidden.filter((s) => keyOf(s) !== k)
    : [...chart.hidden, key]
  return { ...chart, hidden }
}

/** "temperature, temp chart (°C)": the fields and units of the chart's series. */
export function chartTitle(chart: ChartConfig, units: ReadonlyMap<string, string>): string {
  if (chart.series.length === 0) return 'Empty chart'
  const fields = [...new Set(chart.series.map((s) => s.field))].join(', ')
  const unitList = [...new Set(chart.series.map((s) => units.get(keyOf(s)) ?? ''))].filter(Boolean)
  return unitList.length > 0 ? `${fields} chart (${unitList.join(', ')})` : `${fields} chart`
}
