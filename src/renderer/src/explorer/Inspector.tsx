import { useEffect, useRef, useState } from 'react'
import type { Api } from '../../../shared/contract'
import type { TopicHistory, TopicMessage } from '../../../shared/topic-types'
import type { SeriesKey } from '../charts/layout'
import { errorMessage } from '../util/id'
import { ChartButton } from './ChartButton'
import type { ChartPicks } from './chart-picks'
import { ClearRetained } from './ClearRetained'
import { compactCount, fmtBytes, fmtClock } from './format'
import { MessageMeta } from './MessageMeta'
import { PayloadView, type ViewName } from './PayloadView'
import type { TopicMirror } from './topic-mirror'

const PAGE = 50
const REFRESH_MS = 500
/** "Chart numeric fields below" adds at most this many series at once. */
const MAX_PICK = 200

interface Props {
  api: Api
  mirror: TopicMirror
  nodeId: number
  readOnly: boolean
  picks: ChartPicks
  /** The series' unit (read when a Chart menu opens). */
  unitOf: (key: SeriesKey) => string
  onPublishHere: (profileId: string, topic: string) => void
}

/** Every topic with numeric fields at or below a node, as series keys (at most `limit`). */
export function fieldsBelow(mirror: TopicMirror, id: number, limit: number) {
  const root = mirror.rootOf(id)
  const keys: SeriesKey[] = []
  let total = 0
  const stack = [id]
  while (stack.length > 0) {
    const n = stack.pop()!
    for (const field of mirror.fields[n] ?? []) {
      total++
      if (keys.length < limit && root)
        keys.push({ connection: root.name, topic: mirror.topicOf(n), field })
    }
    mirror.eachChild(n, (c) => stack.push(c))
  }
  return { keys, total }
}

/** The selected topic's kept messages: metadata, MQTT 5 properties, values and payload views. */
export function Inspector(props: Props): React.JSX.Element {
  const { api, mirror, nodeId, readOnly, picks, unitOf, onPublishHere } = props
  const [history, setHistory] = useState<TopicHistory | null>(null)
  const [older, setOlder] = useState<TopicMessage[]>([])
  /** Whether the journal holds more than the last older page brought (null: none asked). */
  const [olderMore, setOlderMore] = useState<boolean | null>(null)
  const [selected, setSelected] = useState<number | null>(null)
  const [view, setView] = useState<ViewName | null>(null)
  const [error, setError] = useState('')
  const [note, setNote] = useState('')
  const fetched = useRef({ node: -1, messages: -1, busy: false })

  // The parent keys this component by node: a new node starts with fresh state.
  useEffect(() => {
    if (nodeId < 0 || !mirror.isTopic(nodeId)) return
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const state = fetched.current
    state.node = nodeId
    state.messages = -1
    const load = (): void => {
      if (state.busy || mirror.messages[nodeId] === state.messages) return
      state.busy = true
      const count = mirror.messages[nodeId]
      api.invoke('topics:history', { nodeId, limit: PAGE }).then(
        (h) => {
          state.busy = false
          if (!live) return
          state.messages = count
          setHistory(h)
          setError('')
        },
        (e: unknown) => {
          state.busy = false
          if (live) setError(errorMessage(e))
        }
      )
    }
    load()
    const off = mirror.subscribe(() => {
      if (!timer)
        timer = setTimeout(() => {
          timer = undefined
          load()
        }, REFRESH_MS)
    })
    return () => {
      live = false
      off()
      clearTimeout(timer)
    }
  }, [api, mirror, nodeId])

  if (nodeId < 0)
    return (
      <section className="inspector" aria-label="Message inspector">
        <p className="hint">Select a topic in the tree to see its messages.</p>
      </section>
    )

  const root = mirror.rootOf(nodeId)
  const topic = mirror.topicOf(nodeId)
  const below = mirror.hasChildren(nodeId) ? fieldsBelow(mirror, nodeId, MAX_PICK) : null
  const chartBelow = (): void => {
    if (!below) return
    const outcome = picks.pick({ keys: below.keys, target: 'new' })
    setNote(
      outcome.message +
        (below.total > below.keys.length
          ? ` (the first ${below.keys.length} of ${below.total} fields below)`
          : '')
    )
  }

  const messages = history ? [...history.messages, ...older] : []
  const index = selected === null ? 0 : messages.findIndex((m) => m.seq === selected)
  const current = index >= 0 ? messages[index] : undefined
  const previous = index >= 0 ? messages[index + 1] : undefined

  return (
    <section className="inspector" aria-label="Message inspector">
      <header className="inspector-head">
        <h3>{topic === '' ? root?.name : topic}</h3>
        <p className="hint">
          {root && topic !== '' ? `${root.name} · ` : ''}
          {mirror.isTopic(nodeId)
            ? `${compactCount(mirror.ownMessages(nodeId))} received`
            : `${compactCount(mirror.topics[nodeId])} topics below`}
          {history &&
            ` · ${history.kept} kept · history ${fmtBytes(history.usedBytes)} of ${fmtBytes(history.budgetBytes)} for all topics`}
        </p>
        <div className="inspector-actions">
          {below && below.total > 0 && (
            <button type="button" onClick={chartBelow}>
              Chart numeric fields below
            </button>
          )}
          {!readOnly && root && topic !== '' && (
            <button type="button" onClick={() => onPublishHere(root.profileId, topic)}>
              Publish to this topic
            </button>
          )}
          {!readOnly && root && mirror.isTopic(nodeId) && (
            <ClearRetained api={api} profileId={root.profileId} topic={topic} onDone={setNote} />
          )}
        </div>
        {note && <p role="status">{note}</p>}
      </header>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {mirror.isTopic(nodeId) && history && messages.length === 0 && (
        <p className="hint">
          No message of this topic is kept: newer messages took the history budget.
        </p>
      )}
      {messages.length > 0 && (
        <div className="inspector-body">
          <ul className="message-list" aria-label="Messages">
            {messages.map((m, i) => (
              <li key={m.seq}>
                <button
                  type="button"
                  aria-current={i === index ? 'true' : undefined}
                  onClick={() => setSelected(i === 0 ? null : m.seq)}
                >
                  {fmtClock(m.at)} · {m.fromJournal ? 'earlier run' : `QoS ${m.qos}`}
                  {m.retain ? ' · retained' : ''} · {fmtBytes(m.size)}
                </button>
              </li>
            ))}
            {history && (messages.length < history.kept || (olderMore ?? history.journalMore)) && (
              <li>
                <button
                  type="button"
                  onClick={() =>
                    void api
                      .invoke('topics:history', {
                        nodeId,
                        limit: PAGE,
                        beforeSeq: messages[messages.length - 1].seq
                      })
                      .then((h) => {
                        setOlder((o) => [...o, ...h.messages])
                        setOlderMore(h.journalMore)
                      })
                      .catch((e: unknown) => setError(errorMessage(e)))
                  }
                >
                  {messages.length < history.kept
                    ? `Show older (${history.kept - messages.length} more kept)`
                    : 'Show older (from the capture journal)'}
                </button>
              </li>
            )}
          </ul>
          {current && (
            <div className="message-detail">
              <MessageMeta message={current} />
              {current.values && current.values.length > 0 && root && (
                <table className="message-values">
                  <caption>
                    Numeric fields
                    {current.rows && current.rows > 1 ? ` (first of ${current.rows} rows)` : ''}
                  </caption>
                  <tbody>
                    {current.values.map((v) => {
                      const key = { connection: root.name, topic, field: v.field }
                      return (
                        <tr key={v.field}>
                          <th scope="row">{v.field}</th>
                          <td className="num">{v.value}</td>
                          <td>
                            <ChartButton picks={picks} seriesKey={key} unitOf={unitOf} />
                          </td>
                        </tr>
                      )
                    })}
                  </tbody>
                </table>
              )}
              {current.decodeError && (
                <p className="hint">Not decoded into readings: {current.decodeError}.</p>
              )}
              <PayloadView
                key={current.seq}
                api={api}
                nodeId={nodeId}
                message={current}
                previous={previous}
                view={view}
                onView={setView}
              />
            </div>
          )}
        </div>
      )}
    </section>
  )
}
