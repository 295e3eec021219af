import { useId } from 'react'
import type { Qos } from '../../../shared/schemas'
import type { ProfileFields } from './profile-form-model'
import { QOS_LEVELS } from './profile-form-sections'

interface Props {
  fields: ProfileFields
  update: (patch: Partial<ProfileFields>) => void
}

/** The optional message the broker publishes for us if the connection drops unexpectedly. */
export function WillFields({ fields, update }: Props): React.JSX.Element {
  const id = useId()
  return (
    <fieldset className="form-section">
      <legend>Last will</legend>
      <div className="field">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={fields.willEnabled}
            onChange={(e) => update({ willEnabled: e.target.checked })}
            aria-describedby={`${id}-hint`}
          />
          Send a last will
        </label>
        <p id={`${id}-hint`} className="hint">
          Published by the broker if this app drops off without disconnecting.
        </p>
      </div>
      {fields.willEnabled && (
        <>
          <div className="field">
            <label htmlFor={`${id}-topic`}>Will topic</label>
            <input
              id={`${id}-topic`}
              value={fields.willTopic}
              onChange={(e) => update({ willTopic: e.target.value })}
              spellCheck={false}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-payload`}>Will payload</label>
            <textarea
              id={`${id}-payload`}
              rows={2}
              value={fields.willPayload}
              onChange={(e) => update({ willPayload: e.target.value })}
              spellCheck={false}
            />
          </div>
          <div className="field-row">
            <div className="field">
              <label htmlFor={`${id}-qos`}>Will QoS</label>
              <select
                id={`${id}-qos`}
                value={fields.willQos}
                onChange={(e) => update({ willQos: Number(e.target.value) as Qos })}
              >
                {QOS_LEVELS.map((q) => (
                  <option key={q} value={q}>
                    {q}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={fields.willRetain}
                  onChange={(e) => update({ willRetain: e.target.checked })}
                />
                Retain the will
              </label>
            </div>
          </div>
        </>
      )}
    </fieldset>
  )
}
