import { useCallback, useEffect, useId, useState } from 'react'
import type { Api } from '../../../shared/contract'
import type { CaptureSummary } from '../../../shared/types'
import { formatBytes, formatTime } from '../export/export-request'
import { errorMessage } from '../util/id'

interface Props {
  api: Api
  readOnly: boolean
  retentionMB: number
}

/** Past captures on disk: when, how much, delete one; start a new one; the size limit. */
export function CapturesPanel({ api, readOnly, retentionMB }: Props): React.JSX.Element {
  const id = useId()
  const [captures, setCaptures] = useState<CaptureSummary[]>([])
  const [limit, setLimit] = useState(String(retentionMB))
  const [error, setError] = useState('')
  const [redecoding, setRedecoding] = useState<{ id: string; fraction: number } | null>(null)
  const [result, setResult] = useState('')

  const run = useCallback(async (action: () => Promise<CaptureSummary[]>) => {
    try {
      setCaptures(await action())
      setError('')
    } catch (e) {
      setError(errorMessage(e))
    }
  }, [])

  useEffect(() => {
    let alive = true
    const refresh = (): void => {
      api.invoke('capture:summaries').then(
        (list) => alive && setCaptures(list),
        (e: unknown) => alive && setError(errorMessage(e))
      )
    }
    refresh()
    // Counts grow while capturing: refresh now and then, not on every batch.
    const timer = setInterval(refresh, 5000)
    return () => {
      alive = false
      clearInterval(timer)
    }
  }, [api])

  const remove = (c: CaptureSummary): void => {
    if (
      !window.confirm(
        `Delete the capture started ${formatTime(c.startedAt)} (${c.messages} messages)? This cannot be undone.`
      )
    )
      return
    void run(() => api.invoke('capture:delete', { captureId: c.id }))
  }

  useEffect(
    () =>
      api.on('capture:progress', (p) => setRedecoding({ id: p.captureId, fraction: p.fraction })),
    [api]
  )

  const redecode = (c: CaptureSummary): void => {
    setRedecoding({ id: c.id, fraction: 0 })
    setResult('')
    api.invoke('capture:redecode', { captureId: c.id }).then(
      (r) => {
        setResult(
          `Decoded ${r.decoded} of ${r.messages} messages again with the current rules` +
            (r.failed > 0
              ? `; ${r.failed} do not decode under them (kept, with their payloads)`
              : '') +
            (r.kept > 0 ? `; ${r.kept} kept as they were (no payload kept for them)` : '') +
            '.'
        )
        setRedecoding(null)
        void run(() => api.invoke('capture:summaries'))
      },
      (e: unknown) => {
        setError(errorMessage(e))
        setRedecoding(null)
      }
    )
  }

  const saveLimit = (): void => {
    const mb = Number(limit)
    if (!Number.isInteger(mb) || mb < 10) {
      setError('The size limit must be a whole number of megabytes, at least 10.')
      return
    }
    void run(() => api.invoke('capture:set-retention', { retentionMB: mb }))
  }

  return (
    <section className="panel captures" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Captures</h2>
      <table>
        <caption className="visually-hidden">Captured data on disk, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Ended</th>
            <th scope="col">Messages</th>
            <th scope="col">Size</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {captures.map((c) => (
            <tr key={c.id}>
              <td>{formatTime(c.startedAt)}</td>
              <td>{c.active ? 'capturing' : formatTime(c.endedAt)}</td>
              <td className="num">{c.messages}</td>
              <td className="num">{formatBytes(c.bytes)}</td>
              <td>
                <button
                  type="button"
                  disabled={readOnly || redecoding !== null}
                  onClick={() => redecode(c)}
                  aria-label={`Decode again the capture started ${formatTime(c.startedAt)}`}
                  title="Decode the kept payloads again with the decoding rules as they are now"
                >
                  {redecoding?.id === c.id
                    ? `Decoding… ${Math.round(redecoding.fraction * 100)}%`
                    : 'Decode again'}
                </button>{' '}
                <button
                  type="button"
                  disabled={readOnly}
                  onClick={() => remove(c)}
                  aria-label={`Delete capture started ${formatTime(c.startedAt)}`}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="button-row">
        <button
          type="button"
          disabled={readOnly}
          onClick={() => void run(() => api.invoke('capture:new'))}
        >
          New capture
        </button>
      </div>
      <label htmlFor={`${id}-limit`}>Keep at most (MB)</label>
      <div className="inline-row">
        <input
          id={`${id}-limit`}
          inputMode="numeric"
          value={limit}
          onChange={(e) => setLimit(e.target.value)}
          disabled={readOnly}
        />
        <button type="button" disabled={readOnly} onClick={saveLimit}>
          Apply limit
        </button>
      </div>
      <p className="hint">The oldest data is dropped first when captures grow past this size.</p>
      {result && (
        <p className="hint" role="status">
          {result}
        </p>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
