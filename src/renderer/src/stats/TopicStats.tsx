import { memo, startTransition, useEffect, useState } from 'react'
import type { TopicStat } from '../../../shared/types'
import { throttle } from '../charts/throttle'
import type { TopicStatsStore } from './topic-stats'
import './stats.css'

interface Props {
  stats: TopicStatsStore
}

const REFRESH_MS = 500
/** A long table costs layout on every refresh: it refreshes less often, by its length. */
const REFRESH_MS_PER_ROW = 5
/** Tables longer than this scroll in a box and hold only the rows in view (and a few around). */
const LONG_TABLE = 24
/** Row height of a long table (stats.css) and rows in its box, with a margin. */
const ROW_PX = 26
const ROWS_IN_VIEW = 16

const keyOf = (s: TopicStat): string => `${s.connection}\u0000${s.topic}`

interface RowProps {
  stat: TopicStat
  multiple: boolean
  /** In a long table: the row's number (the header is row 1). */
  index?: number
}

/** One topic's row; re-rendered only when its counters changed. */
const Row = memo(function Row({ stat, multiple, index }: RowProps) {
  return (
    <tr aria-rowindex={index}>
      {multiple && <td>{stat.connection}</td>}
      <td>{stat.topic}</td>
      <td className="num">{stat.messages}</td>
      <td className="num">{stat.errors}</td>
      <td>{stat.lastError ?? ''}</td>
    </tr>
  )
})

/**
 * A table under the charts, refreshed at most twice a second (once a second at 200 topics).
 * A long one scrolls in a box, and rows out of view keep what they showed.
 */
export function TopicStats({ stats }: Props): React.JSX.Element | null {
  // Refreshes render as a transition: in slices between frames and messages, never as one
  // block (hundreds of rows can appear at once).
  const [rows, setRows] = useState(() => stats.all)
  useEffect(() => {
    const refresh = throttle(
      () => startTransition(() => setRows(stats.all)),
      () => Math.max(REFRESH_MS, stats.size * REFRESH_MS_PER_ROW)
    )
    refresh()
    const off = stats.subscribe(refresh)
    return () => {
      off()
      refresh.cancel()
    }
  }, [stats])
  const [firstRow, setFirstRow] = useState(0)

  if (rows.length === 0) return null
  const multiple = rows.some((r) => r.connection !== rows[0].connection)
  const long = rows.length > LONG_TABLE
  const first = long ? Math.max(0, Math.min(firstRow, rows.length - ROWS_IN_VIEW) - 2) : 0
  const end = long ? Math.min(rows.length, first + ROWS_IN_VIEW + 2) : rows.length
  return (
    <section className="topic-stats" aria-labelledby="topic-stats-title">
      <h2 id="topic-stats-title">Topic statistics</h2>
      <div
        className={long ? 'stats-box stats-box-long' : 'stats-box'}
        tabIndex={long ? 0 : undefined}
        aria-label={long ? 'Topic statistics table (scrolls)' : undefined}
        role={long ? 'region' : undefined}
        onScroll={
          long ? (e) => setFirstRow(Math.floor(e.currentTarget.scrollTop / ROW_PX)) : undefined
        }
      >
        <table aria-rowcount={long ? rows.length + 1 : undefined}>
          <thead>
            <tr>
              {multiple && <th scope="col">Connection</th>}
              <th scope="col">Topic</th>
              <th scope="col">Messages</th>
              <th scope="col">Decode errors</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {first > 0 && <tr aria-hidden="true" style={{ height: first * ROW_PX }} />}
            {rows.slice(first, end).map((r, k) => (
              <Row
                key={keyOf(r)}
                stat={r}
                multiple={multiple}
                index={long ? first + k + 2 : undefined}
              />
            ))}
            {end < rows.length && (
              <tr aria-hidden="true" style={{ height: (rows.length - end) * ROW_PX }} />
            )}
          </tbody>
        </table>
      </div>
    </section>
  )
}
