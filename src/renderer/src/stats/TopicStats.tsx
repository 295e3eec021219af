import { memo, useCallback, useSyncExternalStore } from 'react'
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

/** One topic's row; re-rendered only when its counters changed. */
const Row = memo(function Row({ stat, multiple }: { stat: TopicStat; multiple: boolean }) {
  return (
    <tr>
      {multiple && <td>{stat.connection}</td>}
      <td>{stat.topic}</td>
      <td className="num">{stat.messages}</td>
      <td className="num">{stat.errors}</td>
      <td>{stat.lastError ?? ''}</td>
    </tr>
  )
})

/** A table under the charts; refreshed at most twice a second (once a second at 200 topics). */
export function TopicStats({ stats }: Props): React.JSX.Element | null {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const refresh = throttle(
        onChange,
        Math.max(REFRESH_MS, stats.all.length * REFRESH_MS_PER_ROW)
      )
      const off = stats.subscribe(refresh)
      return () => {
        off()
        refresh.cancel()
      }
    },
    [stats]
  )
  const rows = useSyncExternalStore(subscribe, () => stats.all)

  if (rows.length === 0) return null
  const multiple = rows.some((r) => r.connection !== rows[0].connection)
  return (
    <section className="topic-stats" aria-labelledby="topic-stats-title">
      <h2 id="topic-stats-title">Topic statistics</h2>
      <table>
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
          {rows.map((r) => (
            <Row key={`${r.connection}\u0000${r.topic}`} stat={r} multiple={multiple} />
          ))}
        </tbody>
      </table>
    </section>
  )
}
