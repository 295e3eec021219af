import { useId, useState } from 'react'
import type { ProfileInput, Transport } from '../../../shared/schemas'
import type { ProfileView } from '../../../shared/types'
import {
  TRANSPORTS,
  buildProfileInput,
  fieldsFromProfile,
  type ProfileFields
} from './profile-form-model'

interface Props {
  profile: ProfileView
  readOnly: boolean
  onSave: (input: ProfileInput) => Promise<string | null>
}

export const SAVED_PASSWORD_HINT = '(saved — leave empty to keep)'

/** Edits one profile. Remounted (keyed) per profile and per save, so it starts fresh. */
export function ProfileForm({ profile, readOnly, onSave }: Props): React.JSX.Element {
  const id = useId()
  const [fields, setFields] = useState<ProfileFields>(() => fieldsFromProfile(profile))
  const [password, setPassword] = useState('')
  const [clearPassword, setClearPassword] = useState(false)
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null)
  const [saving, setSaving] = useState(false)
  const usesPath = fields.transport === 'ws' || fields.transport === 'wss'

  const set =
    <K extends keyof ProfileFields>(key: K) =>
    (event: { target: { value: string } }): void =>
      setFields((f) => ({ ...f, [key]: event.target.value as ProfileFields[K] }))

  const submit = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault()
    const built = buildProfileInput(profile, fields, { value: password, clear: clearPassword })
    if (!built.ok) {
      setMessage({ error: true, text: built.error })
      return
    }
    setSaving(true)
    setMessage(null)
    const error = await onSave(built.value)
    setSaving(false)
    // On success the form is remounted with the saved profile; only a failure lands here.
    if (error) setMessage({ error: true, text: error })
  }

  return (
    <form className="profile-form" onSubmit={(e) => void submit(e)} noValidate>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={fields.name} onChange={set('name')} required />
      </div>
      <div className="field">
        <label htmlFor={`${id}-host`}>Host</label>
        <input id={`${id}-host`} value={fields.host} onChange={set('host')} required />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-port`}>Port</label>
          <input
            id={`${id}-port`}
            inputMode="numeric"
            value={fields.port}
            onChange={set('port')}
            required
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-transport`}>Transport</label>
          <select
            id={`${id}-transport`}
            value={fields.transport}
            onChange={(e) => setFields((f) => ({ ...f, transport: e.target.value as Transport }))}
          >
            {TRANSPORTS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
      </div>
      {usesPath && (
        <div className="field">
          <label htmlFor={`${id}-path`}>Path</label>
          <input id={`${id}-path`} value={fields.path} onChange={set('path')} />
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-username`}>Username</label>
        <input
          id={`${id}-username`}
          value={fields.username}
          onChange={set('username')}
          autoComplete="off"
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          placeholder={profile.hasPassword ? SAVED_PASSWORD_HINT : ''}
          aria-describedby={profile.hasPassword ? `${id}-password-hint` : undefined}
          autoComplete="new-password"
          disabled={clearPassword}
        />
        {profile.hasPassword && (
          <>
            <p id={`${id}-password-hint`} className="hint">
              {SAVED_PASSWORD_HINT}
            </p>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={clearPassword}
                onChange={(e) => setClearPassword(e.target.checked)}
              />
              Clear saved password
            </label>
          </>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-client-id`}>Client ID</label>
        <input id={`${id}-client-id`} value={fields.clientId} onChange={set('clientId')} required />
      </div>
      <div className="field">
        <label htmlFor={`${id}-topics`}>Topics</label>
        <textarea
          id={`${id}-topics`}
          rows={4}
          value={fields.topicsText}
          onChange={set('topicsText')}
          aria-describedby={`${id}-topics-hint`}
          spellCheck={false}
        />
        <p id={`${id}-topics-hint`} className="hint">
          One topic filter per line, optionally followed by QoS, e.g. <code>sensors/# 1</code>
        </p>
      </div>
      <div className="button-row">
        <button type="submit" disabled={readOnly || saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
      {message && (
        <p
          className={message.error ? 'error-text' : 'ok-text'}
          role={message.error ? 'alert' : undefined}
        >
          {message.text}
        </p>
      )}
    </form>
  )
}
