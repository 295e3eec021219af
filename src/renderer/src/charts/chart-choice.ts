// Which series the dashboard charts by itself, and what a "Chart" from the topic explorer
// does to the layout. A connection with a few series is charted whole, as it always was; one
// with hundreds is charted only as the user picks (hundreds of lines in one chart say nothing).
import type { SeriesDef } from '../../../shared/types'
import {
  addChart,
  chartTitle,
  keyFromDef,
  keyOf,
  MAX_CHARTS,
  MAX_SERIES_PER_CHART,
  toggleSeries,
  type DashboardLayout,
  type SeriesKey
} from './layout'

/** A connection with more series than this is charted only as the user picks. */
export const AUTO_SERIES_LIMIT = 12

/** The broker's own figures ($SYS) have the broker view: they neither count nor chart here. */
export const fromBroker = (d: SeriesDef): boolean => d.topic.startsWith('$SYS/')

function countByConnection(defs: readonly SeriesDef[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const d of defs)
    if (!fromBroker(d)) counts.set(d.connection, (counts.get(d.connection) ?? 0) + 1)
  return counts
}

/** The series the automatic layout charts: those of connections with few series. */
export function autoCharted(defs: readonly SeriesDef[]): SeriesDef[] {
  const counts = countByConnection(defs)
  return defs.filter((d) => !fromBroker(d) && (counts.get(d.connection) ?? 0) <= AUTO_SERIES_LIMIT)
}

export interface Uncharted {
  connection: string
  available: number
  charted: number
}

/** Connections with too many series to chart by themselves, and how many the layout charts. */
export function unchartedConnections(
  defs: readonly SeriesDef[],
  layout: DashboardLayout
): Uncharted[] {
  const counts = countByConnection(defs)
  const out: Uncharted[] = []
  for (const [connection, available] of counts) {
    if (available <= AUTO_SERIES_LIMIT) continue
    const charted = new Set<string>()
    for (const c of layout.charts)
      for (const s of c.series) if (s.connection === connection) charted.add(keyOf(s))
    out.push({ connection, available, charted: charted.size })
  }
  return out
}

/** The charts a field can join: id, title and the unit of their first series. */
export function chartTargets(layout: DashboardLayout, defs: readonly SeriesDef[]) {
  const units = new Map<string, string>()
  for (const d of defs) units.set(keyOf(keyFromDef(d)), d.unit)
  return layout.charts.map((c) => ({
    id: c.id,
    title: chartTitle(c, units),
    unit: c.series.length > 0 ? (units.get(keyOf(c.series[0])) ?? '') : ''
  }))
}

const series = (n: number): string => `${n} series`

/**
 * Adds picked series: to chart `target`, or (target 'new') to new charts, one per unit
 * (per field without a unit), as the automatic layout groups them.
 */
export function addPicked(
  layout: DashboardLayout,
  keys: readonly SeriesKey[],
  target: string,
  unitOf: (key: SeriesKey) => string,
  newId: () => string
): { layout: DashboardLayout; message: string } {
  if (keys.length === 0) return { layout, message: 'There is no numeric field to chart.' }
  if (target !== 'new') {
    const chart = layout.charts.find((c) => c.id === target)
    if (!chart) return { layout, message: 'That chart is gone; choose another.' }
    let next = chart
    let added = 0
    for (const key of keys) {
      if (next.series.some((s) => keyOf(s) === keyOf(key))) continue
      if (next.series.length >= MAX_SERIES_PER_CHART) break
      next = toggleSeries(next, key, true)
      added++
    }
    const left =
      keys.length -
      added -
      keys.filter((k) => chart.series.some((s) => keyOf(s) === keyOf(k))).length
    return {
      layout:
        added === 0
          ? layout
          : { ...layout, charts: layout.charts.map((c) => (c.id === target ? next : c)) },
      message:
        added === 0 && left === 0
          ? 'Already on that chart.'
          : `Added ${series(added)} to the chart.` +
            (left > 0 ? ` ${left} more did not fit: a chart holds ${MAX_SERIES_PER_CHART}.` : '')
    }
  }
  const groups = new Map<string, SeriesKey[]>()
  for (const key of keys) {
    const unit = unitOf(key)
    const group = unit ? `unit:${unit}` : `field:${key.field}`
    const list = groups.get(group) ?? []
    if (!list.some((k) => keyOf(k) === keyOf(key))) list.push(key)
    groups.set(group, list)
  }
  let next = layout
  let charts = 0
  let added = 0
  let left = 0
  for (const list of groups.values()) {
    if (next.charts.length >= MAX_CHARTS) {
      left += list.length
      continue
    }
    const id = newId()
    next = addChart(next, id)
    const fits = list.slice(0, MAX_SERIES_PER_CHART)
    left += list.length - fits.length
    next = {
      ...next,
      charts: next.charts.map((c) =>
        c.id === id ? fits.reduce((chart, key) => toggleSeries(chart, key, true), c) : c
      )
    }
    charts++
    added += fits.length
  }
  return {
    layout: next,
    message:
      `Charted ${series(added)} in ${charts === 1 ? 'a new chart' : `${charts} new charts`}.` +
      (left > 0
        ? ` ${left} more did not fit (a chart holds ${MAX_SERIES_PER_CHART} series, the dashboard ${MAX_CHARTS} charts).`
        : '')
  }
}
