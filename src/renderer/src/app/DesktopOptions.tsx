import { useState } from 'react'
import type { Api } from '../../../shared/contract'
import type { SettingsView } from '../../../shared/types'
import { errorMessage } from '../util/id'

interface Props {
  api: Api
  settings: SettingsView
  readOnly: boolean
  onSaved: (settings: SettingsView) => void
}

/** Desktop-only preferences: a system notification when a connection drops. */
export function DesktopOptions({ api, settings, readOnly, onSaved }: Props): React.JSX.Element {
  const [error, setError] = useState('')
  const toggle = (notifyOnDrop: boolean): void => {
    setError('')
    api
      .invoke('settings:save-ui', { notifyOnDrop })
      .then(onSaved)
      .catch((e: unknown) => setError(errorMessage(e)))
  }
  return (
    <section className="desktop-options" aria-label="App options">
      <div className="field">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.ui.notifyOnDrop}
            disabled={readOnly}
            onChange={(e) => toggle(e.target.checked)}
          />
          Notify me when a connection drops
        </label>
      </div>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </section>
  )
}
