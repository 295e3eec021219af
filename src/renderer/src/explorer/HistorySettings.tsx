import { useId, useState } from 'react'
import type { Api } from '../../../shared/contract'
import type { ExplorerSettings } from '../../../shared/topic-types'
import { errorMessage } from '../util/id'

interface Props {
  api: Api
  settings: ExplorerSettings
  readOnly: boolean
}

/** How many messages the inspector keeps: one memory budget for all topics, and per topic. */
export function HistorySettings({ api, settings, readOnly }: Props): React.JSX.Element {
  const [mb, setMb] = useState(String(settings.historyMB))
  const [perTopic, setPerTopic] = useState(String(settings.perTopic))
  const [status, setStatus] = useState('')
  const [error, setError] = useState('')
  const hintId = useId()

  const save = (): void => {
    const historyMB = Number(mb)
    const per = Number(perTopic)
    if (!Number.isInteger(historyMB) || historyMB < 0 || historyMB > 65536) {
      setError('Keep at most (MB) is a whole number from 0 to 65536.')
      return
    }
    if (!Number.isInteger(per) || per < 1 || per > 100_000) {
      setError('Messages per topic is a whole number from 1 to 100,000.')
      return
    }
    setError('')
    api.invoke('topics:save-settings', { historyMB, perTopic: per }).then(
      (s) => setStatus(`Saved: ${s.historyMB} MB for all topics, at most ${s.perTopic} per topic.`),
      (e: unknown) => setError(errorMessage(e))
    )
  }

  return (
    <details className="history-settings">
      <summary>Message history</summary>
      <p className="hint" id={hintId}>
        Messages are kept in memory for the inspector, within one budget for all topics: the oldest
        go first, each topic’s latest last.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          save()
        }}
      >
        <label>
          Keep at most (MB)
          <input
            inputMode="numeric"
            value={mb}
            disabled={readOnly}
            aria-describedby={hintId}
            onChange={(e) => setMb(e.target.value)}
          />
        </label>
        <label>
          Messages per topic
          <input
            inputMode="numeric"
            value={perTopic}
            disabled={readOnly}
            onChange={(e) => setPerTopic(e.target.value)}
          />
        </label>
        {!readOnly && <button type="submit">Save</button>}
        {status && <p role="status">{status}</p>}
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
      </form>
    </details>
  )
}
