import { useEffect, useId, useRef, useState } from 'react'
import type { Api } from '../../../shared/contract'
import type { PublishFormat, RecentPublish } from '../../../shared/topic-types'
import { errorMessage } from '../util/id'
import {
  emptyForm,
  fromRecent,
  hasProperties,
  payloadProblem,
  toRequest,
  type PublishForm
} from './publish-form'

export interface PublishConnection {
  profileId: string
  name: string
  protocolVersion: string
  connected: boolean
}

interface Props {
  api: Api
  connections: PublishConnection[]
  recent: readonly RecentPublish[]
  onRecent: (recent: RecentPublish[]) => void
  /** "Publish to this topic" from the inspector: fills the form and opens it. */
  prefill: { profileId: string; topic: string; n: number } | null
}

const FORMATS: { id: PublishFormat; label: string }[] = [
  { id: 'text', label: 'Text' },
  { id: 'json', label: 'JSON' },
  { id: 'hex', label: 'Hex' }
]

/** Publish: topic, payload as text, checked JSON or hex, QoS, retain, MQTT 5 properties. */
export function PublishPanel({ api, connections, recent, onRecent, prefill }: Props) {
  const [open, setOpen] = useState(false)
  const [form, setForm] = useState<PublishForm>(() => emptyForm(connections[0]?.profileId ?? ''))
  const [status, setStatus] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const topicRef = useRef<HTMLInputElement>(null)
  const ids = { payload: useId(), problem: useId(), props: useId() }
  const set = (change: Partial<PublishForm>): void => setForm((f) => ({ ...f, ...change }))

  // A new "Publish to this topic" fills the form (adjusted while rendering, not in an effect).
  const [seenPrefill, setSeenPrefill] = useState(prefill)
  if (prefill !== seenPrefill) {
    setSeenPrefill(prefill)
    if (prefill) {
      setOpen(true)
      setForm((f) => ({ ...f, profileId: prefill.profileId, topic: prefill.topic }))
    }
  }
  useEffect(() => {
    if (prefill) topicRef.current?.focus()
  }, [prefill])

  // A connection that went away is no choice: the first connected one stands in.
  const chosen =
    connections.find((c) => c.profileId === form.profileId) ?? connections[0] ?? undefined

  const problem = payloadProblem(form)
  const v5 = chosen?.protocolVersion === '5.0'

  const send = (f: PublishForm, remember = true): void => {
    setError('')
    setStatus('')
    const built = toRequest(f)
    if (!built.ok) {
      setError(built.error)
      return
    }
    setBusy(true)
    api
      .invoke('topics:publish', { ...built.req, remember })
      .then(
        (result) => {
          setStatus(
            `Published ${result.bytes.toLocaleString('en-US')} bytes to ${f.topic}.` +
              (remember && !result.remembered ? ' (Too large to keep in the recent list.)' : '')
          )
          onRecent(result.recent)
        },
        (e: unknown) => setError(errorMessage(e))
      )
      .finally(() => setBusy(false))
  }

  return (
    <details className="publish" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Publish</summary>
      {connections.length === 0 ? (
        <p className="hint">Connect to a broker to publish.</p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            send({ ...form, profileId: chosen?.profileId ?? '' })
          }}
        >
          <label>
            Connection
            <select
              value={chosen?.profileId ?? ''}
              onChange={(e) => set({ profileId: e.target.value })}
            >
              {connections.map((c) => (
                <option key={c.profileId} value={c.profileId}>
                  {c.name}
                  {c.connected ? '' : ' (not connected)'}
                </option>
              ))}
            </select>
          </label>
          <label>
            Topic
            <input
              ref={topicRef}
              value={form.topic}
              onChange={(e) => set({ topic: e.target.value })}
              spellCheck={false}
            />
          </label>
          <fieldset className="inline">
            <legend>Payload format</legend>
            {FORMATS.map((f) => (
              <label key={f.id}>
                <input
                  type="radio"
                  name="publish-format"
                  checked={form.format === f.id}
                  onChange={() => set({ format: f.id })}
                />
                {f.label}
              </label>
            ))}
          </fieldset>
          <label htmlFor={ids.payload}>Payload</label>
          <textarea
            id={ids.payload}
            rows={4}
            value={form.payload}
            spellCheck={false}
            aria-invalid={problem !== ''}
            aria-describedby={problem ? ids.problem : undefined}
            onChange={(e) => set({ payload: e.target.value })}
          />
          {problem && (
            <p id={ids.problem} className="error-text">
              {problem}
            </p>
          )}
          <div className="inline">
            <label>
              QoS
              <select
                value={form.qos}
                onChange={(e) => set({ qos: Number(e.target.value) as 0 | 1 | 2 })}
              >
                <option value={0}>0</option>
                <option value={1}>1</option>
                <option value={2}>2</option>
              </select>
            </label>
            <label>
              <input
                type="checkbox"
                checked={form.retain}
                onChange={(e) => set({ retain: e.target.checked })}
              />
              Retain
            </label>
          </div>
          <details className="publish-props">
            <summary>MQTT 5 properties{hasProperties(form) ? ' (set)' : ''}</summary>
            {!v5 && (
              <p className="hint" id={ids.props}>
                {chosen?.name ?? 'This connection'} uses MQTT {chosen?.protocolVersion}: properties
                need a profile with MQTT 5.0.
              </p>
            )}
            <label>
              Content type
              <input
                value={form.contentType}
                onChange={(e) => set({ contentType: e.target.value })}
              />
            </label>
            <label>
              Payload format indicator
              <select
                value={form.payloadFormat}
                onChange={(e) =>
                  set({ payloadFormat: e.target.value as PublishForm['payloadFormat'] })
                }
              >
                <option value="">not sent</option>
                <option value="1">1: UTF-8 text</option>
                <option value="0">0: bytes</option>
              </select>
            </label>
            <label>
              Message expiry (s)
              <input
                inputMode="numeric"
                value={form.expiry}
                onChange={(e) => set({ expiry: e.target.value })}
              />
            </label>
            <label>
              Response topic
              <input
                value={form.responseTopic}
                onChange={(e) => set({ responseTopic: e.target.value })}
              />
            </label>
            <label>
              Correlation data (hex)
              <input
                value={form.correlation}
                onChange={(e) => set({ correlation: e.target.value })}
              />
            </label>
            <label>
              User properties (name=value, one per line)
              <textarea
                rows={2}
                value={form.userProperties}
                onChange={(e) => set({ userProperties: e.target.value })}
              />
            </label>
          </details>
          <button type="submit" disabled={busy}>
            Publish
          </button>
          {status && <p role="status">{status}</p>}
          {error && (
            <p className="error-text" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
      {recent.length > 0 && (
        <div className="recent">
          <h4>Recent publishes</h4>
          <ul aria-label="Recent publishes">
            {recent.map((r, i) => (
              <li key={`${r.at}-${i}`}>
                <span className="recent-what">
                  {r.topic} · {r.format}
                  {r.retain ? ' · retained' : ''} · {r.payload.slice(0, 40)}
                  {r.payload.length > 40 ? '…' : ''}
                </span>
                <button
                  type="button"
                  aria-label={`Edit ${r.topic} again`}
                  onClick={() => setForm(fromRecent(r))}
                >
                  Edit
                </button>
                <button
                  type="button"
                  aria-label={`Send ${r.topic} again`}
                  disabled={busy}
                  onClick={() => send(fromRecent(r))}
                >
                  Send again
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </details>
  )
}
