import { useEffect, useState } from 'react'
import type { ChartView, WindowStats } from './chart-view'
import { formatTime } from './crosshair'
import { windowById } from './domain'
import { formatWithUnit } from './format'
import { throttle } from './throttle'

export interface LegendItem {
  id: number
  label: string
  color: string
  unit: string
}

interface Props {
  view: ChartView
  /** Name of the legend list, e.g. "°C legend". */
  name: string
  title: string
  items: LegendItem[]
  /** Ids of the hidden series (from the layout; the view learns them after this render). */
  hidden: readonly number[]
  onToggle: (id: number) => void
  /** Id of the visually hidden text summary the plot is described by. */
  summaryId: string
}

const REFRESH_MS = 250
/** From this many series the legend scrolls and has a search box. */
const SEARCH_FROM = 9

function statsText(s: WindowStats, unit: string): string {
  const f = (v: number): string => formatWithUnit(v, unit)
  return `min ${f(s.min)} · max ${f(s.max)} · mean ${f(s.mean)}`
}

/**
 * Each series' name (a toggle that hides or shows it), latest value and min, max and mean
 * over the chart's window, plus a text summary for screen readers. Re-rendered after drawn
 * frames at most 4 times a second, never per batch.
 */
export function Legend({ view, name, title, items, hidden, onToggle, summaryId }: Props) {
  const [, setTick] = useState(0)
  const [search, setSearch] = useState('')

  useEffect(() => {
    const refresh = throttle(() => setTick((n) => n + 1), REFRESH_MS)
    const off = view.onFrame(refresh)
    return () => {
      off()
      refresh.cancel()
    }
  }, [view])

  const stats = new Map(items.map((i) => [i.id, view.stats(i.id)]))
  const domain = view.domain
  const mode = view.paused ? 'paused' : view.zoomed ? 'zoomed' : 'live'
  const span = domain
    ? `from ${formatTime(domain[0], true)} to ${formatTime(domain[1], true)}`
    : 'no data yet'
  const lines = items.map((i) => {
    const s = stats.get(i.id)
    if (hidden.includes(i.id)) return `${i.label}: hidden.`
    if (!s) return `${i.label}: no data in view.`
    return `${i.label}: latest ${formatWithUnit(s.latest, i.unit)}, ${statsText(s, i.unit).replaceAll(' ·', ',')}.`
  })
  const window = view.zoomed ? 'zoomed range' : windowById(view.window).words
  const summary = `${title}: ${window}, ${mode}, ${span}. ${lines.join(' ')}`

  const long = items.length >= SEARCH_FROM
  const needle = search.trim().toLowerCase()
  const listed =
    long && needle ? items.filter((i) => i.label.toLowerCase().includes(needle)) : items

  return (
    <>
      {long && (
        <div className="legend-search">
          <input
            type="search"
            aria-label={`Search the ${name}`}
            placeholder={`Search ${items.length} series`}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          {needle && (
            <span className="hint" role="status">
              {listed.length} of {items.length} series
            </span>
          )}
        </div>
      )}
      <ul className={long ? 'legend legend-long' : 'legend'} aria-label={name}>
        {listed.map((item) => {
          const s = stats.get(item.id)
          const off = hidden.includes(item.id)
          return (
            <li key={item.id} className={off ? 'legend-hidden' : undefined}>
              <button
                type="button"
                className="legend-toggle"
                aria-pressed={!off}
                title={off ? 'Show this series' : 'Hide this series'}
                onClick={() => onToggle(item.id)}
              >
                <span
                  className="legend-swatch"
                  style={{ background: item.color }}
                  aria-hidden="true"
                />
                <span className="legend-name">{item.label}</span>
              </button>{' '}
              <span className="legend-value">{formatWithUnit(s?.latest ?? NaN, item.unit)}</span>{' '}
              {s && <span className="legend-stats">{statsText(s, item.unit)}</span>}
            </li>
          )
        })}
      </ul>
      <p id={summaryId} className="chart-sr-only">
        {summary}
      </p>
    </>
  )
}
