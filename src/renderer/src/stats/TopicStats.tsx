import { useCallback, useSyncExternalStore } from 'react'
import { throttle } from '../charts/throttle'
import type { TopicStatsStore } from './topic-stats'

interface Props {
  stats: TopicStatsStore
}

/** A small table under the charts; refreshed at most twice a second. */
export function TopicStats({ stats }: Props): React.JSX.Element | null {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const refresh = throttle(onChange, 500)
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
            <tr key={`${r.connection}\u0000${r.topic}`}>
              {multiple && <td>{r.connection}</td>}
              <td>{r.topic}</td>
              <td className="num">{r.messages}</td>
              <td className="num">{r.errors}</td>
              <td>{r.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
