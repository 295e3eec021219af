// Default layout: one chart per unit; series without a unit get a chart per field name.
import type { SeriesDef } from '../../../shared/types'

export interface ChartGroup {
  key: string
  /** Accessible name and caption, e.g. "temperature chart (°C)". */
  title: string
  /** Name of the legend list, e.g. "°C legend". */
  legendName: string
  unit: string
  seriesIds: number[]
}

export function groupSeries(defs: readonly SeriesDef[]): ChartGroup[] {
  const groups = new Map<string, { unit: string; fields: string[]; ids: number[] }>()
  for (const def of defs) {
    const key = def.unit ? `unit:${def.unit}` : `field:${def.field}`
    let group = groups.get(key)
    if (!group) {
      group = { unit: def.unit, fields: [], ids: [] }
      groups.set(key, group)
    }
    if (!group.fields.includes(def.field)) group.fields.push(def.field)
    group.ids.push(def.id)
  }
  return [...groups.entries()].map(([key, g]) => {
    const fields = g.fields.join(', ')
    return {
      key,
      title: g.unit ? `${fields} chart (${g.unit})` : `${fields} chart`,
      legendName: `${g.unit || fields} legend`,
      unit: g.unit,
      seriesIds: g.ids
    }
  })
}

export function hasMultipleConnections(defs: readonly SeriesDef[]): boolean {
  const first = defs[0]?.connection
  return defs.some((d) => d.connection !== first)
}
