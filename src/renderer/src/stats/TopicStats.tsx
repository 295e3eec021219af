import { useCallback, useEffect, useState, useSyncExternalStore } from 'react'
import { decayedRate } from '../../../shared/topic-types'
import { throttle } from '../charts/throttle'
import type { StatSort, TopicStatsStore } from './topic-stats'
import './stats.css'

interface Props {
  stats: TopicStatsStore
}

const ROW_HEIGHT = 26
const OVERSCAN = 8
/** With this many topics the table scrolls inside itself and draws only the rows in view. */
const SCROLL_FROM = 15

const COLUMNS: { id: StatSort | null; label: string; numeric: boolean }[] = [
  { id: 'name', label: 'Topic', numeric: false },
  { id: 'messages', label: 'Messages', numeric: true },
  { id: 'errors', label: 'Decode errors', numeric: true },
  { id: 'rate', label: 'Rate (msg/s)', numeric: true },
  { id: null, label: 'Last error', numeric: false }
]

function fmtRate(r: number): string {
  return r >= 100 ? String(Math.round(r)) : r >= 0.01 ? r.toFixed(2) : '0'
}

/**
 * The per-topic counters under the charts: sortable by name, messages, errors and rate;
 * only the rows in view are drawn; refreshed at most twice a second (every 2 s past 10,000
 * topics, where a sort by rate is the cost).
 */
export function TopicStats({ stats }: Props): React.JSX.Element | null {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const refresh = throttle(onChange, stats.size > 10_000 ? 2000 : 500)
      const off = stats.subscribe(refresh)
      return () => {
        off()
        refresh.cancel()
      }
    },
    [stats]
  )
  useSyncExternalStore(subscribe, () => stats.version)
  const [sort, setSort] = useState<{ by: StatSort; descending: boolean }>({
    by: 'name',
    descending: false
  })
  const [view, setView] = useState({ top: 0, height: 400 })
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null)

  useEffect(() => {
    if (!scroller) return
    const observer = new ResizeObserver(() =>
      setView((v) => ({ ...v, height: scroller.clientHeight }))
    )
    observer.observe(scroller)
    return () => observer.disconnect()
  }, [scroller])

  // Rates as of the latest totals (the table redraws when they arrive).
  const now = stats.updatedAt
  const rows = stats.sorted(sort.by, sort.descending, now)
  if (rows.length === 0) return null
  const multiple = stats.connections > 1
  const scrolls = rows.length >= SCROLL_FROM
  const first = scrolls ? Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN) : 0
  const last = scrolls
    ? Math.min(rows.length, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN)
    : rows.length
  const columns = multiple
    ? [{ id: null, label: 'Connection', numeric: false }, ...COLUMNS]
    : COLUMNS

  const sortBy = (by: StatSort): void =>
    setSort((s) =>
      s.by === by ? { by, descending: !s.descending } : { by, descending: by !== 'name' }
    )

  return (
    <section className="topic-stats" aria-labelledby="topic-stats-title">
      <h2 id="topic-stats-title">Topic statistics</h2>
      <div
        ref={setScroller}
        className={scrolls ? 'topic-stats-scroll' : undefined}
        // A scroll box is a named region that takes focus, so it scrolls from the keyboard.
        role={scrolls ? 'region' : undefined}
        aria-label={scrolls ? 'Topic statistics table (scrolls)' : undefined}
        tabIndex={scrolls ? 0 : undefined}
        onScroll={(e) => {
          const top = e.currentTarget.scrollTop
          setView((v) => (v.top === top ? v : { ...v, top }))
        }}
      >
        <table aria-rowcount={rows.length + 1}>
          <thead>
            <tr aria-rowindex={1}>
              {columns.map((c) => (
                <th
                  key={c.label}
                  scope="col"
                  aria-sort={
                    c.id && sort.by === c.id
                      ? sort.descending
                        ? 'descending'
                        : 'ascending'
                      : undefined
                  }
                >
                  {c.id ? (
                    <button type="button" className="sort-button" onClick={() => sortBy(c.id!)}>
                      {c.label}
                      <span aria-hidden="true">
                        {sort.by === c.id ? (sort.descending ? ' ▼' : ' ▲') : ''}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {first > 0 && (
              <tr aria-hidden="true" style={{ height: first * ROW_HEIGHT }}>
                <td colSpan={columns.length} />
              </tr>
            )}
            {rows.slice(first, last).map((r, i) => (
              <tr
                key={`${r.stat.connection}\u0000${r.stat.topic}`}
                aria-rowindex={first + i + 2}
                style={scrolls ? { height: ROW_HEIGHT } : undefined}
              >
                {multiple && <td>{r.stat.connection}</td>}
                <td>{r.stat.topic}</td>
                <td className="num">{r.stat.messages}</td>
                <td className="num">{r.stat.errors}</td>
                <td className="num">{fmtRate(decayedRate(r.rate, r.at, now))}</td>
                <td>{r.stat.lastError ?? ''}</td>
              </tr>
            ))}
            {last < rows.length && (
              <tr aria-hidden="true" style={{ height: (rows.length - last) * ROW_HEIGHT }}>
                <td colSpan={columns.length} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  )
}
