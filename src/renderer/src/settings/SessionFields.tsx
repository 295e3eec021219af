import { useId } from 'react'
import { CheckboxField } from './CheckboxField'
import type { ProfileFields } from './profile-form-model'
import { generateClientId, onCleanChange } from './profile-form-sections'

interface Props {
  fields: ProfileFields
  update: (patch: Partial<ProfileFields>) => void
}

/** Client ID, clean session, MQTT 5 session expiry, keep-alive and a shared subscription. */
export function SessionFields({ fields, update }: Props): React.JSX.Element {
  const id = useId()
  return (
    <fieldset className="form-section">
      <legend>Session</legend>
      <div className="field">
        <label htmlFor={`${id}-client-id`}>Client ID</label>
        <div className="field-row">
          <input
            id={`${id}-client-id`}
            value={fields.clientId}
            onChange={(e) => update({ clientId: e.target.value })}
            aria-describedby={`${id}-client-id-hint`}
            spellCheck={false}
            required
          />
          <button
            type="button"
            onClick={() => update({ clientId: generateClientId() })}
            aria-describedby={`${id}-client-id-hint`}
          >
            Generate
          </button>
        </div>
        <p id={`${id}-client-id-hint`} className="hint">
          Kept fixed, so the broker can keep your session. Generate makes a new random one.
        </p>
      </div>
      <CheckboxField
        id={`${id}-clean`}
        label="Clean session"
        checked={fields.clean}
        onChange={(clean) => update(onCleanChange(fields, clean))}
        hint={
          <>
            Off: the broker keeps your subscriptions and queues QoS 1 and 2 messages while you are
            away; they arrive when you connect again.
          </>
        }
      />
      <div className="field-row">
        {fields.protocolVersion === '5.0' && (
          <div className="field">
            <label htmlFor={`${id}-expiry`}>Session expiry (s)</label>
            <input
              id={`${id}-expiry`}
              inputMode="numeric"
              value={fields.sessionExpiry}
              onChange={(e) => update({ sessionExpiry: e.target.value })}
              aria-describedby={`${id}-expiry-hint`}
            />
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-keepalive`}>Keep-alive (s)</label>
          <input
            id={`${id}-keepalive`}
            inputMode="numeric"
            value={fields.keepalive}
            onChange={(e) => update({ keepalive: e.target.value })}
          />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-share`}>Shared subscription group</label>
        <input
          id={`${id}-share`}
          value={fields.shareGroup}
          onChange={(e) => update({ shareGroup: e.target.value })}
          aria-describedby={`${id}-share-hint`}
          spellCheck={false}
          autoComplete="off"
        />
        <p id={`${id}-share-hint`} className="hint">
          Empty for a plain subscription. With a group, the topics become $share/group/filter and
          the broker splits their messages among everyone in the group (capture workers), each with
          its own client ID. Use MQTT 5.0, so retained messages are not sent to every member.
        </p>
      </div>
      {fields.protocolVersion === '5.0' && (
        <p id={`${id}-expiry-hint`} className="hint">
          How long the broker keeps the session after you disconnect. With clean session off it is
          never 0; one day is 86400.
        </p>
      )}
    </fieldset>
  )
}
