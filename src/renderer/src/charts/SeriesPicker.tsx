import type { SeriesDef } from '../../../shared/types'
import { seriesLabel } from './format'
import { keyFromDef, keyOf, type ChartConfig, type SeriesKey } from './layout'

interface Props {
  id: string
  chart: ChartConfig
  title: string
  defs: readonly SeriesDef[]
  multiple: boolean
  onToggle: (key: SeriesKey, on: boolean) => void
}

/** Checkboxes for every known series, from any topic and connection. */
export function SeriesPicker({ id, chart, title, defs, multiple, onToggle }: Props) {
  const chosen = new Set(chart.series.map(keyOf))
  const known = new Set(defs.map((d) => keyOf(keyFromDef(d))))
  // Series in the layout that have not sent anything in this run yet.
  const waiting = chart.series.filter((s) => !known.has(keyOf(s)))
  const label = (d: SeriesDef): string =>
    `${seriesLabel(d, multiple)}${d.unit ? ` (${d.unit})` : ''}`
  return (
    <fieldset className="series-picker" id={id}>
      <legend>Series in {title}</legend>
      {defs.length === 0 && waiting.length === 0 && <p className="hint">No series yet.</p>}
      {defs.map((d) => {
        const key = keyFromDef(d)
        return (
          <label key={d.id} className="checkbox">
            <input
              type="checkbox"
              checked={chosen.has(keyOf(key))}
              onChange={(e) => onToggle(key, e.target.checked)}
            />
            {label(d)}
          </label>
        )
      })}
      {waiting.map((s) => (
        <label key={keyOf(s)} className="checkbox">
          <input type="checkbox" checked onChange={() => onToggle(s, false)} />
          {`${s.connection}: ${s.topic} ${s.field} (no data yet)`}
        </label>
      ))}
    </fieldset>
  )
}
