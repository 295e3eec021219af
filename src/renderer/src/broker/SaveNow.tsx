import { useId, useState } from 'react'
import type { Api } from '../../../shared/contract'
import { errorMessage } from '../util/id'

interface Props {
  api: Api
  profileId: string
  /** The remembered pid or pid file. */
  initial: string
  /** The persistence file: the app waits until the broker has rewritten it. */
  file: string
  onSaved: () => void
}

/**
 * Desktop only, on the broker's host: sends SIGUSR1 to the Mosquitto process the user names
 * (a process id or its pid_file), after saying which process that is and asking.
 */
export function SaveNow({ api, profileId, initial, file, onSaved }: Props): React.JSX.Element {
  const id = useId()
  const [target, setTarget] = useState(initial)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState('')
  const [error, setError] = useState('')

  const choose = async (): Promise<void> => {
    try {
      const { path } = await api.invoke('dialog:pick-file', { purpose: 'pid-file' })
      if (path) setTarget(path)
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  const save = async (): Promise<void> => {
    setError('')
    setMessage('')
    if (!target.trim()) {
      setError('Enter the broker’s process id, or the path of its pid_file.')
      return
    }
    setBusy(true)
    try {
      const found = await api.invoke('broker:find-process', { profileId, target })
      const ok = window.confirm(
        `Send SIGUSR1 to process ${found.pid} (${found.name})? Mosquitto then writes its persistence file; other programs would stop.`
      )
      if (!ok) return
      const answer = await api.invoke('broker:save-now', {
        pid: found.pid,
        ...(file.trim() ? { file: file.trim() } : {})
      })
      setMessage(answer.message)
      if (answer.saved) onSaved()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="save-now">
      <div className="field">
        <label htmlFor={`${id}-process`}>Broker process (pid or pid file)</label>
        <div className="field-row">
          <input
            id={`${id}-process`}
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder="/run/mosquitto/mosquitto.pid"
            spellCheck={false}
            autoComplete="off"
          />
          <button type="button" onClick={() => void choose()}>
            Choose…
          </button>
          <button type="button" disabled={busy} onClick={() => void save()}>
            Ask the broker to save now
          </button>
        </div>
      </div>
      {message && <p aria-live="polite">{message}</p>}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
