import { useId } from 'react'
import type { Qos, TopicConfig } from '../../../shared/schemas'
import { parseTopics, topicsToText } from './profile-form-model'
import { QOS_LEVELS } from './profile-form-sections'

interface Props {
  text: string
  existing: readonly TopicConfig[]
  onChange: (text: string) => void
}

/** Topic filters as text (one per line, optional QoS), with a QoS choice per parsed filter. */
export function TopicsField({ text, existing, onChange }: Props): React.JSX.Element {
  const id = useId()
  const parsed = parseTopics(text, existing)
  const setQos = (index: number, qos: Qos): void => {
    if (!parsed.ok) return
    onChange(topicsToText(parsed.value.map((t, i) => (i === index ? { ...t, qos } : t))))
  }
  return (
    <fieldset className="form-section">
      <legend>Subscriptions</legend>
      <div className="field">
        <label htmlFor={`${id}-topics`}>Topics</label>
        <textarea
          id={`${id}-topics`}
          rows={4}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={`${id}-topics-hint`}
          spellCheck={false}
        />
        <p id={`${id}-topics-hint`} className="hint">
          One topic filter per line, optionally followed by QoS, e.g. <code>sensors/# 1</code>
        </p>
      </div>
      {parsed.ok && parsed.value.length > 0 && (
        <ul className="topic-qos" aria-label="QoS per topic">
          {parsed.value.map((t, i) => (
            <li key={t.filter} className="field-row">
              <label htmlFor={`${id}-qos-${i}`} className="topic-qos-filter">
                <span className="visually-hidden">QoS for </span>
                <code>{t.filter}</code>
              </label>
              <select
                id={`${id}-qos-${i}`}
                value={t.qos}
                onChange={(e) => setQos(i, Number(e.target.value) as Qos)}
              >
                {QOS_LEVELS.map((q) => (
                  <option key={q} value={q}>
                    QoS {q}
                  </option>
                ))}
              </select>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  )
}
