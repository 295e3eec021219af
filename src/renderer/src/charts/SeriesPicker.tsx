import { useState } from 'react'
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

/** Unchosen series listed at once; a search narrows a longer list. */
const LISTED = 100

/** Checkboxes for the known series, from any topic and connection, with a search. */
export function SeriesPicker({ id, chart, title, defs, multiple, onToggle }: Props) {
  const [search, setSearch] = useState('')
  const chosen = new Set(chart.series.map(keyOf))
  const known = new Set(defs.map((d) => keyOf(keyFromDef(d))))
  // Series in the layout that have not sent anything in this run yet.
  const waiting = chart.series.filter((s) => !known.has(keyOf(s)))
  const label = (d: SeriesDef): string =>
    `${seriesLabel(d, multiple)}${d.unit ? ` (${d.unit})` : ''}`
  const needle = search.trim().toLowerCase()
  // The chosen first, then the others that match, LISTED at most: a broker with thousands of
  // series does not put thousands of checkboxes on the page.
  const matching = defs.filter(
    (d) => !chosen.has(keyOf(keyFromDef(d))) && (!needle || label(d).toLowerCase().includes(needle))
  )
  const listed = [
    ...defs.filter((d) => chosen.has(keyOf(keyFromDef(d)))),
    ...matching.slice(0, LISTED)
  ]
  return (
    <fieldset className="series-picker" id={id}>
      <legend>Series in {title}</legend>
      {defs.length === 0 && waiting.length === 0 && <p className="hint">No series yet.</p>}
      {defs.length > 10 && (
        <label className="series-search">
          Search series
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
      )}
      {matching.length > LISTED && (
        <p className="hint" role="status">
          Showing {LISTED} of {matching.length.toLocaleString('en-US')} series not in this chart:
          type in Search series to narrow them.
        </p>
      )}
      {listed.map((d) => {
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
