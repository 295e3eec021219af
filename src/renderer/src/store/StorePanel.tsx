import { useEffect, useId, useState } from 'react'
import type { Api } from '../../../shared/contract'
import { SSL_MODES, type StoreSettings } from '../../../shared/schemas'
import type { StoreStatus } from '../../../shared/store-types'
import { CheckboxField } from '../settings/CheckboxField'
import { FileField, type PickFile } from '../settings/FileField'
import { SecretField } from '../settings/SecretField'
import { SelectField } from '../settings/SelectField'
import { passwordAction, type PasswordFields } from '../settings/profile-form-model'
import { errorMessage } from '../util/id'
import { deadLetterText, isProblem, statusText } from './store-status'
import './store.css'

interface Props {
  api: Api
  readOnly: boolean
  pickFile?: PickFile
}

const SSL_LABELS: Record<StoreSettings['sslmode'], string> = {
  disable: 'disable (no TLS)',
  prefer: 'prefer (TLS when offered)',
  require: 'require (TLS, certificate not checked)',
  'verify-ca': 'verify-ca (TLS, certificate checked)',
  'verify-full': 'verify-full (TLS, certificate and host name checked)'
}

const NO_PASSWORD: PasswordFields = { value: '', clear: false }

/** The database store: where readings go, a connection test, and its state and lag. */
export function StorePanel({ api, readOnly, pickFile }: Props): React.JSX.Element {
  const id = useId()
  const [saved, setSaved] = useState<StoreSettings | null>(null)
  const [draft, setDraft] = useState<StoreSettings | null>(null)
  const [hasPassword, setHasPassword] = useState(false)
  const [password, setPassword] = useState<PasswordFields>(NO_PASSWORD)
  const [status, setStatus] = useState<StoreStatus | null>(null)
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let alive = true
    api.invoke('store:get').then(
      (view) => {
        if (!alive) return
        setSaved(view.settings)
        setDraft(view.settings)
        setHasPassword(view.hasPassword)
        setStatus(view.status)
      },
      (e: unknown) => alive && setMessage({ error: true, text: errorMessage(e) })
    )
    const off = api.on('store:status', (s) => setStatus(s))
    return () => {
      alive = false
      off()
    }
  }, [api])

  const change = (patch: Partial<StoreSettings>): void => {
    setDraft((d) => (d ? { ...d, ...patch } : d))
    setMessage(null)
  }

  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true)
    setMessage(null)
    try {
      await action()
    } catch (e) {
      setMessage({ error: true, text: errorMessage(e) })
    } finally {
      setBusy(false)
    }
  }

  const save = (): Promise<void> =>
    run(async () => {
      const view = await api.invoke('store:save', {
        settings: draft!,
        password: passwordAction(password)
      })
      setSaved(view.settings)
      setDraft(view.settings)
      setHasPassword(view.hasPassword)
      setStatus(view.status)
      setPassword(NO_PASSWORD)
      setMessage({ error: false, text: 'Saved.' })
    })

  const test = (): Promise<void> =>
    run(async () => {
      const result = await api.invoke('store:test', {
        settings: draft!,
        password: passwordAction(password)
      })
      setMessage({ error: !result.ok, text: result.message })
    })

  const dirty =
    JSON.stringify(saved) !== JSON.stringify(draft) || password.value !== '' || password.clear
  const dead = status && deadLetterText(status)
  return (
    <section className="panel store-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Database store</h2>
      {status && (
        <p
          aria-live="polite"
          className={`store-status ${isProblem(status) ? 'store-status-problem' : ''}`}
          data-state={status.state}
        >
          {statusText(status, !!saved?.url)}
        </p>
      )}
      {dead && <p className="hint">{dead}</p>}
      {draft && (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            void save()
          }}
        >
          <fieldset disabled={readOnly || busy}>
            <legend className="visually-hidden">Database settings</legend>
            <CheckboxField
              id={`${id}-enabled`}
              label="Write captures to the database"
              checked={draft.enabled}
              onChange={(enabled) => change({ enabled })}
              hint="Everything captured here is sent to PostgreSQL (TimescaleDB when installed), exactly once; capture never waits for it."
            />
            <div className="field">
              <label htmlFor={`${id}-url`}>Database URL</label>
              <input
                id={`${id}-url`}
                value={draft.url}
                onChange={(e) => change({ url: e.target.value })}
                placeholder="postgres://user@host:5432/database"
                spellCheck={false}
                autoComplete="off"
                aria-describedby={`${id}-url-hint`}
              />
              <p id={`${id}-url-hint`} className="hint">
                Without the password: it goes below and is kept with your other secrets.
              </p>
            </div>
            <SecretField
              label="Database password"
              clearLabel="Clear saved database password"
              saved={hasPassword}
              value={password}
              onChange={setPassword}
            />
            <SelectField
              id={`${id}-sslmode`}
              label="TLS (sslmode)"
              value={draft.sslmode}
              options={SSL_MODES.map((mode) => ({ value: mode, label: SSL_LABELS[mode] }))}
              onChange={(sslmode) => change({ sslmode })}
            />
            <FileField
              label="Database CA certificate"
              purpose="ca"
              value={draft.caFile}
              onChange={(caFile) => change({ caFile })}
              pickFile={pickFile}
            />
            <div className="field">
              <label htmlFor={`${id}-schema`}>Schema</label>
              <input
                id={`${id}-schema`}
                value={draft.schema}
                onChange={(e) => change({ schema: e.target.value })}
                spellCheck={false}
                autoComplete="off"
              />
            </div>
            <div className="button-row">
              <button type="submit" disabled={!dirty}>
                Apply database settings
              </button>
              <button type="button" onClick={() => void test()} disabled={!draft.url}>
                Test connection
              </button>
            </div>
          </fieldset>
        </form>
      )}
      {busy && <p className="hint">Working…</p>}
      {message && (
        <p
          role={message.error ? 'alert' : undefined}
          aria-live="polite"
          className={message.error ? 'error-text' : 'ok-text'}
        >
          {message.text}
        </p>
      )}
    </section>
  )
}
