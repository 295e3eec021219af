import { useCallback, useId, useMemo, useState, useSyncExternalStore } from 'react'
import type { BrokerSysView } from '../../../shared/broker-types'
import { formatTime } from '../export/export-request'
import type { ChartConfig } from '../charts/layout'
import { LiveChart } from '../charts/LiveChart'
import type { SeriesStore } from '../charts/series-store'
import {
  brokerCharts,
  figureShape,
  figureText,
  parseFigureShape,
  uptimeText
} from './broker-view-model'

interface Props {
  view: BrokerSysView
  store: SeriesStore
  readOnly: boolean
  onPin: (pinned: boolean) => void
}

/** Version, uptime, the latest figures, their live charts, and the drop events of the log. */
export function SysView({ view, store, readOnly, onPin }: Props): React.JSX.Element {
  const id = useId()
  const subscribe = useCallback((onChange: () => void) => store.onDefs(onChange), [store])
  const defs = useSyncExternalStore(subscribe, () => store.defs)
  // Charts change with the figures' names and units, not with their values (every update).
  const { connection, topic } = view
  const shape = figureShape(view.figures)
  const defaults = useMemo(
    () => brokerCharts(connection, topic, parseFigureShape(shape)),
    [connection, topic, shape]
  )
  const [edited, setEdited] = useState<ChartConfig[] | null>(null)
  const charts = edited ?? defaults
  const edit = (change: (list: ChartConfig[]) => ChartConfig[]): void => setEdited(change(charts))

  return (
    <section className="broker-sys" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>$SYS figures</h3>
      <p className="hint" aria-live="polite">
        {view.message ??
          (view.status === 'waiting'
            ? 'Waiting for the broker’s $SYS figures…'
            : view.status === 'receiving'
              ? `Live from ${view.connection}; every figure is also captured on ${view.topic} and can be exported.`
              : '')}
      </p>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={view.pinned}
          disabled={readOnly}
          onChange={(e) => onPin(e.target.checked)}
        />
        Keep watching $SYS while this view is closed
      </label>
      <dl className="broker-facts">
        <dt>Version</dt>
        <dd>{view.version ?? 'not reported yet'}</dd>
        <dt>Uptime</dt>
        <dd>{uptimeText(view.uptimeSeconds)}</dd>
      </dl>
      <table className="broker-figures" aria-label="Broker figures">
        <thead>
          <tr>
            <th scope="col">Figure</th>
            <th scope="col">Latest</th>
          </tr>
        </thead>
        <tbody>
          {view.figures.map((f) => (
            <tr key={f.field}>
              <th scope="row">{f.label}</th>
              <td className="num">{figureText(f)}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">Publish messages dropped since start</th>
            <td className="num">{view.droppedTotal ?? 'not reported yet'}</td>
          </tr>
        </tbody>
      </table>
      <DropList view={view} />
      {edited && (
        <button type="button" onClick={() => setEdited(null)}>
          Show every broker chart
        </button>
      )}
      <div className="broker-charts">
        {charts.map((chart, index) => (
          <LiveChart
            key={chart.id}
            store={store}
            chart={chart}
            defs={defs}
            multiple={false}
            index={index}
            count={charts.length}
            onChange={(next) => edit((list) => list.map((c) => (c.id === chart.id ? next : c)))}
            onMove={(delta) =>
              edit((list) => {
                const next = list.slice()
                const [moved] = next.splice(index, 1)
                next.splice(Math.max(0, Math.min(next.length, index + delta)), 0, moved)
                return next
              })
            }
            onRemove={() => edit((list) => list.filter((c) => c.id !== chart.id))}
          />
        ))}
      </div>
    </section>
  )
}

function DropList({ view }: { view: BrokerSysView }): React.JSX.Element {
  const id = useId()
  return (
    <section aria-labelledby={`${id}-drops`}>
      <h4 id={`${id}-drops`}>Drop events</h4>
      {!view.logSeen ? (
        <p className="hint">
          The broker’s log does not arrive on $SYS/broker/log (Mosquitto: log_dest topic), so the
          clients it drops messages for cannot be listed.
        </p>
      ) : view.drops.length === 0 ? (
        <p className="hint">The broker has not logged dropping messages for any client.</p>
      ) : (
        <ul aria-label="Clients the broker dropped messages for">
          {view.drops.map((d) => (
            <li key={d.clientId}>
              {d.clientId}: outgoing messages dropped ({d.count === 1 ? 'once' : `${d.count} times`}
              , last at {formatTime(d.lastAt)})
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
