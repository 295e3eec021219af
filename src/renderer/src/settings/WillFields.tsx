import { useId } from 'react'
import { CheckboxField } from './CheckboxField'
import type { ProfileFields } from './profile-form-model'
import { QOS_LEVELS } from './profile-form-sections'
import { SelectField } from './SelectField'

const QOS_OPTIONS = QOS_LEVELS.map((q) => ({ value: q, label: String(q) }))

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
      <CheckboxField
        id={id}
        label="Send a last will"
        checked={fields.willEnabled}
        onChange={(willEnabled) => update({ willEnabled })}
        hint="Published by the broker if this app drops off without disconnecting."
      />
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
            <SelectField
              id={`${id}-qos`}
              label="Will QoS"
              value={fields.willQos}
              options={QOS_OPTIONS}
              onChange={(willQos) => update({ willQos })}
            />
            <CheckboxField
              label="Retain the will"
              checked={fields.willRetain}
              onChange={(willRetain) => update({ willRetain })}
            />
          </div>
        </>
      )}
    </fieldset>
  )
}
