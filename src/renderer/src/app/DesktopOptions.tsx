import { useEffect, useState } from 'react'
import type { Api } from '../../../shared/contract'
import type { SettingsView, UpdateStatus } from '../../../shared/types'
import { errorMessage } from '../util/id'
import { updateText } from './update-text'

interface Props {
  api: Api
  settings: SettingsView
  readOnly: boolean
  onSaved: (settings: SettingsView) => void
}

type Choice = 'notifyOnDrop' | 'checkForUpdates'

/**
 * Desktop-only preferences: a system notification when a connection drops, and the update
 * check (off by default; then the app never asks GitHub for anything), with what is new.
 */
export function DesktopOptions({ api, settings, readOnly, onSaved }: Props): React.JSX.Element {
  const [error, setError] = useState('')
  const [update, setUpdate] = useState<UpdateStatus>({ state: 'off' })
  useEffect(() => {
    let live = true
    api.invoke('update:status').then(
      (s) => live && setUpdate(s),
      () => undefined
    )
    const off = api.on('app:update', setUpdate)
    return () => {
      live = false
      off()
    }
  }, [api])

  const toggle = (choice: Choice, on: boolean): void => {
    setError('')
    api
      .invoke('settings:save-ui', { [choice]: on })
      .then(onSaved)
      .catch((e: unknown) => setError(errorMessage(e)))
  }
  const install = (): void => {
    setError('')
    api.invoke('update:install').catch((e: unknown) => setError(errorMessage(e)))
  }
  const text = settings.ui.checkForUpdates ? updateText(update) : ''

  return (
    <section className="desktop-options" aria-label="App options">
      <div className="field">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.ui.notifyOnDrop}
            disabled={readOnly}
            onChange={(e) => toggle('notifyOnDrop', e.target.checked)}
          />
          Notify me when a connection drops
        </label>
      </div>
      <div className="field">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.ui.checkForUpdates}
            disabled={readOnly}
            onChange={(e) => toggle('checkForUpdates', e.target.checked)}
            aria-describedby="update-check-hint"
          />
          Check for updates
        </label>
        <p id="update-check-hint" className="hint">
          Asks the project&apos;s GitHub releases for a newer version; nothing is sent while off.
        </p>
      </div>
      {text && (
        <div className="update-status" aria-live="polite">
          <p>{text}</p>
          {update.notes && (update.state === 'downloading' || update.state === 'ready') && (
            <details>
              <summary>What&apos;s new in {update.version}</summary>
              {/* Plain text from the release, never markup. */}
              <p className="update-notes">{update.notes}</p>
            </details>
          )}
          {update.state === 'ready' && (
            <button type="button" onClick={install}>
              Restart and install
            </button>
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </section>
  )
}
