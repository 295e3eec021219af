import { memo, useCallback, useEffect, useRef, useState } from 'react'
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
/** A long legend costs layout on every refresh: it refreshes less often, by its length. */
const REFRESH_MS_PER_ITEM = 5
/** From this many series the legend has a search box. */
const SEARCH_FROM = 9

function statsText(s: WindowStats, unit: string): string {
  const f = (v: number): string => formatWithUnit(v, unit)
  return `min ${f(s.min)} · max ${f(s.max)} · mean ${f(s.mean)}`
}

/**
 * Legends longer than this are a virtualized list: one entry per row, only the rows scrolled
 * into view (and a few around) in the page. The text summary still names every series.
 */
const LONG_LEGEND = 24
/** Row height of a long legend (charts.css .legend-long li) and rows in its box, with margin. */
const ROW_PX = 22
const ROWS_IN_VIEW = 12

interface RowProps {
  item: LegendItem
  off: boolean
  /** Latest value and window statistics as shown. */
  value: string
  stats: string
  onToggle: (id: number) => void
  /** In a virtualized list: the entry's place (1-based) and the list's length. */
  position?: number
  count?: number
}

/** One entry; re-rendered only when its own text changes. */
const Row = memo(function Row({ item, off, value, stats, onToggle, position, count }: RowProps) {
  return (
    <li className={off ? 'legend-hidden' : undefined} aria-posinset={position} aria-setsize={count}>
      <button
        type="button"
        className="legend-toggle"
        aria-pressed={!off}
        title={off ? 'Show this series' : 'Hide this series'}
        onClick={() => onToggle(item.id)}
      >
        <span className="legend-swatch" style={{ background: item.color }} aria-hidden="true" />
        <span className="legend-name">{item.label}</span>
      </button>{' '}
      <span className="legend-value">{value}</span>{' '}
      {stats && <span className="legend-stats">{stats}</span>}
    </li>
  )
})

/**
 * Each series' name (a toggle that hides or shows it), latest value and min, max and mean
 * over the chart's window, plus a text summary for screen readers. Re-rendered after drawn
 * frames at most 4 times a second (once a second with 200 series), never per batch; a long
 * legend (a scroll box) updates only the entries in view.
 */
export function Legend({ view, name, title, items, hidden, onToggle, summaryId }: Props) {
  const [, setTick] = useState(0)
  const toggleRef = useRef(onToggle)
  useEffect(() => {
    toggleRef.current = onToggle
  })
  const toggle = useCallback((id: number) => toggleRef.current(id), [])
  const [search, setSearch] = useState('')
  const searchable = items.length >= SEARCH_FROM
  const needle = search.trim().toLowerCase()
  const listed =
    searchable && needle ? items.filter((i) => i.label.toLowerCase().includes(needle)) : items
  const long = listed.length > LONG_LEGEND
  // The first row scrolled into view of a long legend.
  const [firstRow, setFirstRow] = useState(0)

  const refreshMs = Math.max(REFRESH_MS, items.length * REFRESH_MS_PER_ITEM)
  useEffect(() => {
    const refresh = throttle(() => setTick((n) => n + 1), refreshMs)
    const off = view.onFrame(refresh)
    return () => {
      off()
      refresh.cancel()
    }
  }, [view, refreshMs])

  const first = long ? Math.max(0, Math.min(firstRow, listed.length - ROWS_IN_VIEW) - 2) : 0
  const end = long ? Math.min(listed.length, first + ROWS_IN_VIEW + 2) : listed.length
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

  return (
    <>
      {searchable && (
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
      <ul
        className={long ? 'legend legend-long' : 'legend'}
        aria-label={name}
        // A long list scrolls from the keyboard too (its rows come and go as it scrolls).
        tabIndex={long ? 0 : undefined}
        onScroll={
          long ? (e) => setFirstRow(Math.floor(e.currentTarget.scrollTop / ROW_PX)) : undefined
        }
      >
        {first > 0 && <li aria-hidden="true" style={{ height: first * ROW_PX }} />}
        {listed.slice(first, end).map((item, k) => {
          const s = stats.get(item.id)
          return (
            <Row
              key={item.id}
              item={item}
              off={hidden.includes(item.id)}
              value={formatWithUnit(s?.latest ?? NaN, item.unit)}
              stats={s ? statsText(s, item.unit) : ''}
              onToggle={toggle}
              position={long ? first + k + 1 : undefined}
              count={long ? listed.length : undefined}
            />
          )
        })}
        {end < listed.length && (
          <li aria-hidden="true" style={{ height: (listed.length - end) * ROW_PX }} />
        )}
      </ul>
      <p id={summaryId} className="chart-sr-only">
        {summary}
      </p>
    </>
  )
}
