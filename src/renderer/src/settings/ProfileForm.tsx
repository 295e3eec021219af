import { useId, useState } from 'react'
import type { ProfileInput, Transport } from '../../../shared/schemas'
import type { ProfileView } from '../../../shared/types'
import type { CheckProto } from './BinaryDecoderFields'
import { CheckboxField } from './CheckboxField'
import type { PickFile } from './FileField'
import {
  TRANSPORTS,
  buildProfileInput,
  fieldsFromProfile,
  parseTopics,
  type PasswordFields,
  type ProfileFields
} from './profile-form-model'
import { PROTOCOL_VERSIONS, usesTls } from './profile-form-sections'
import { SAVED_SECRET_HINT, SecretField } from './SecretField'
import { SelectField } from './SelectField'
import { SessionFields } from './SessionFields'
import { TlsFields } from './TlsFields'
import { DecoderFields } from './DecoderFields'
import { TopicsField } from './TopicsField'
import { WillFields } from './WillFields'

interface Props {
  profile: ProfileView
  readOnly: boolean
  onSave: (input: ProfileInput) => Promise<string | null>
  /** Desktop: the native file dialog for TLS and .proto files. Absent: paths are typed. */
  pickFile?: PickFile
  /** Asks the core whether a .proto file loads. */
  checkProto?: CheckProto
}

export const SAVED_PASSWORD_HINT = SAVED_SECRET_HINT

const NO_SECRET: PasswordFields = { value: '', clear: false }
const TRANSPORT_OPTIONS = TRANSPORTS.map((t) => ({ value: t, label: t }))
const DEFAULT_PORTS: Partial<Record<Transport, string>> = { mqtt: '1883', mqtts: '8883' }

/** Edits one profile. Remounted (keyed) per profile and per save, so it starts fresh. */
export function ProfileForm({
  profile,
  readOnly,
  onSave,
  pickFile,
  checkProto
}: Props): React.JSX.Element {
  const id = useId()
  const [fields, setFields] = useState<ProfileFields>(() => fieldsFromProfile(profile))
  const [password, setPassword] = useState<PasswordFields>(NO_SECRET)
  const [passphrase, setPassphrase] = useState<PasswordFields>(NO_SECRET)
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null)
  const [saving, setSaving] = useState(false)
  const usesPath = fields.transport === 'ws' || fields.transport === 'wss'
  const parsedTopics = parseTopics(fields.topicsText, profile.topics)

  const update = (patch: Partial<ProfileFields>): void => setFields((f) => ({ ...f, ...patch }))
  const set =
    <K extends keyof ProfileFields>(key: K) =>
    (event: { target: { value: string } }): void =>
      update({ [key]: event.target.value } as Partial<ProfileFields>)

  const setTransport = (transport: Transport): void =>
    setFields((f) => {
      // Follow the transport's usual port, unless the user typed another one.
      const followPort = f.port === DEFAULT_PORTS[f.transport] && DEFAULT_PORTS[transport]
      return { ...f, transport, port: followPort ? DEFAULT_PORTS[transport]! : f.port }
    })

  const submit = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault()
    const built = buildProfileInput(profile, fields, password, passphrase)
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
      <fieldset className="form-section">
        <legend>Broker</legend>
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
          <SelectField
            id={`${id}-transport`}
            label="Transport"
            value={fields.transport}
            options={TRANSPORT_OPTIONS}
            onChange={setTransport}
          />
        </div>
        {usesPath && (
          <div className="field">
            <label htmlFor={`${id}-path`}>Path</label>
            <input id={`${id}-path`} value={fields.path} onChange={set('path')} />
          </div>
        )}
        <SelectField
          id={`${id}-protocol`}
          label="Protocol version"
          value={fields.protocolVersion}
          options={PROTOCOL_VERSIONS}
          onChange={(protocolVersion) => update({ protocolVersion })}
        />
      </fieldset>
      <fieldset className="form-section">
        <legend>Sign-in</legend>
        <div className="field">
          <label htmlFor={`${id}-username`}>Username</label>
          <input
            id={`${id}-username`}
            value={fields.username}
            onChange={set('username')}
            autoComplete="off"
          />
        </div>
        <SecretField
          label="Password"
          clearLabel="Clear saved password"
          saved={profile.hasPassword}
          value={password}
          onChange={setPassword}
        />
      </fieldset>
      {usesTls(fields.transport) && (
        <TlsFields
          fields={fields}
          update={update}
          passphrase={passphrase}
          onPassphrase={setPassphrase}
          hasPassphrase={profile.hasPassphrase}
          pickFile={pickFile}
        />
      )}
      <SessionFields fields={fields} update={update} />
      <TopicsField
        text={fields.topicsText}
        existing={profile.topics}
        onChange={(topicsText) => update({ topicsText })}
      />
      <DecoderFields
        topics={parsedTopics.ok ? parsedTopics.value : []}
        drafts={fields.decoders}
        onChange={(filter, draft) => update({ decoders: { ...fields.decoders, [filter]: draft } })}
        pickFile={pickFile}
        checkProto={checkProto}
      />
      <CheckboxField
        id={`${id}-allow-publish`}
        label="Allow the app to publish on this connection"
        checked={fields.allowPublish}
        onChange={(allowPublish) => update({ allowPublish })}
        hint={
          <>
            Lets it ask a Sparkplug B edge node for a rebirth (an NCMD with{' '}
            <code>Node Control/Rebirth</code>, at most once every 30 s per node) when data arrives
            for metrics it has no birth certificate for. Off: it never publishes.
          </>
        }
      />
      <WillFields fields={fields} update={update} />
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
