import { useId } from 'react'
import type { CaptureInfo } from '../../../shared/types'
import { available, formatTime, type ExportChoices } from './export-request'

interface Props {
  captures: CaptureInfo[]
  choices: ExportChoices
  error: string
  onChange: (choices: ExportChoices) => void
}

function toggle(set: Set<string>, value: string, on: boolean): Set<string> {
  const next = new Set(set)
  if (on) next.add(value)
  else next.delete(value)
  return next
}

/** The choices of an export: captures, topics, fields, a time range and the layout. */
export function ExportDialogFields({
  captures,
  choices,
  error,
  onChange
}: Props): React.JSX.Element {
  const id = useId()
  const { topics, fields } = available(captures, choices.captures)
  const set = (patch: Partial<ExportChoices>): void => onChange({ ...choices, ...patch })
  return (
    <>
      <fieldset>
        <legend>Layout</legend>
        <label className="checkbox">
          <input
            type="radio"
            name={`${id}-format`}
            checked={choices.format === 'wide'}
            onChange={() => set({ format: 'wide' })}
          />
          Wide: one row per message, a column per field
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name={`${id}-format`}
            checked={choices.format === 'long'}
            onChange={() => set({ format: 'long' })}
          />
          Long: one row per value (time, topic, field, unit, value)
        </label>
      </fieldset>
      <fieldset>
        <legend>Captures</legend>
        {captures.length === 0 && <p className="hint">Nothing captured yet.</p>}
        <ul className="choice-list">
          {captures.map((c) => (
            <li key={c.id}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={choices.captures.has(c.id)}
                  onChange={(e) =>
                    set({ captures: toggle(choices.captures, c.id, e.target.checked) })
                  }
                />
                {formatTime(c.startedAt)} – {formatTime(c.active ? null : c.endedAt)} ({c.messages}{' '}
                messages)
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <fieldset>
        <legend>Topics</legend>
        <ul className="choice-list">
          {topics.map((t) => (
            <li key={t}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={choices.topics.has(t)}
                  onChange={(e) => set({ topics: toggle(choices.topics, t, e.target.checked) })}
                />
                {t}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <fieldset>
        <legend>Fields</legend>
        <ul className="choice-list">
          {fields.map((f) => (
            <li key={f.name}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={choices.fields.has(f.name)}
                  onChange={(e) =>
                    set({ fields: toggle(choices.fields, f.name, e.target.checked) })
                  }
                />
                {f.unit ? `${f.name} (${f.unit})` : f.name}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <fieldset>
        <legend>Time range (optional)</legend>
        <label htmlFor={`${id}-from`}>From</label>
        <input
          id={`${id}-from`}
          type="datetime-local"
          value={choices.from}
          onChange={(e) => set({ from: e.target.value })}
        />
        <label htmlFor={`${id}-to`}>To</label>
        <input
          id={`${id}-to`}
          type="datetime-local"
          value={choices.to}
          onChange={(e) => set({ to: e.target.value })}
        />
      </fieldset>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </>
  )
}
