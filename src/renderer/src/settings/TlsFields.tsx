import { useId } from 'react'
import { CheckboxField } from './CheckboxField'
import { FileField, type PickFile } from './FileField'
import type { PasswordFields, ProfileFields } from './profile-form-model'
import { TLS_VERSIONS } from './profile-form-sections'
import { SecretField } from './SecretField'
import { SelectField } from './SelectField'

interface Props {
  fields: ProfileFields
  update: (patch: Partial<ProfileFields>) => void
  passphrase: PasswordFields
  onPassphrase: (value: PasswordFields) => void
  hasPassphrase: boolean
  pickFile?: PickFile
}

const TLS_VERSION_OPTIONS = TLS_VERSIONS.map((v) => ({
  value: v,
  label: v.replace('TLSv', 'TLS ')
}))

/** Certificates, key passphrase and the handshake options of an mqtts or wss profile. */
export function TlsFields(props: Props): React.JSX.Element {
  const { fields, update, passphrase, onPassphrase, hasPassphrase, pickFile } = props
  const id = useId()
  return (
    <fieldset className="form-section">
      <legend>TLS</legend>
      <FileField
        label="CA certificate"
        purpose="ca"
        value={fields.tlsCa}
        onChange={(tlsCa) => update({ tlsCa })}
        pickFile={pickFile}
      />
      <FileField
        label="Client certificate"
        purpose="cert"
        value={fields.tlsCert}
        onChange={(tlsCert) => update({ tlsCert })}
        pickFile={pickFile}
      />
      <FileField
        label="Client key"
        purpose="key"
        value={fields.tlsKey}
        onChange={(tlsKey) => update({ tlsKey })}
        pickFile={pickFile}
      />
      <SecretField
        label="Key passphrase"
        clearLabel="Clear saved passphrase"
        saved={hasPassphrase}
        value={passphrase}
        onChange={onPassphrase}
      />
      <CheckboxField
        id={`${id}-verify`}
        label="Verify server certificate"
        checked={fields.tlsVerify}
        onChange={(tlsVerify) => update({ tlsVerify })}
        hint="Turn off only for a test broker: anyone could pretend to be it."
      />
      <div className="field">
        <label htmlFor={`${id}-sni`}>Server name (SNI)</label>
        <input
          id={`${id}-sni`}
          value={fields.tlsServername}
          onChange={(e) => update({ tlsServername: e.target.value })}
          aria-describedby={`${id}-sni-hint`}
          spellCheck={false}
        />
        <p id={`${id}-sni-hint`} className="hint">
          The name the server certificate is checked against; empty = the host.
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-alpn`}>ALPN protocols</label>
        <input
          id={`${id}-alpn`}
          value={fields.tlsAlpn}
          onChange={(e) => update({ tlsAlpn: e.target.value })}
          aria-describedby={`${id}-alpn-hint`}
          spellCheck={false}
        />
        <p id={`${id}-alpn-hint`} className="hint">
          Comma-separated, e.g. <code>mqtt</code> or <code>x-amzn-mqtt-ca</code>; usually empty.
        </p>
      </div>
      <SelectField
        id={`${id}-min`}
        label="Minimum TLS version"
        value={fields.tlsMinVersion}
        options={TLS_VERSION_OPTIONS}
        onChange={(tlsMinVersion) => update({ tlsMinVersion })}
      />
    </fieldset>
  )
}
