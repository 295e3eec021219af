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

/** A checkbox per option; hands back the chosen set with one option toggled. */
function ChoiceList({
  options,
  chosen,
  onChange
}: {
  options: readonly { value: string; label: React.ReactNode }[]
  chosen: Set<string>
  onChange: (chosen: Set<string>) => void
}): React.JSX.Element {
  return (
    <ul className="choice-list">
      {options.map((o) => (
        <li key={o.value}>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={chosen.has(o.value)}
              onChange={(e) => onChange(toggle(chosen, o.value, e.target.checked))}
            />
            {o.label}
          </label>
        </li>
      ))}
    </ul>
  )
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
        <label className="checkbox">
          <input
            type="checkbox"
            checked={choices.payload && choices.format === 'wide'}
            disabled={choices.format !== 'wide'}
            onChange={(e) => set({ payload: e.target.checked })}
          />
          Add the payload of each message (text, or base64 when it is binary)
        </label>
      </fieldset>
      <fieldset>
        <legend>Captures</legend>
        {captures.length === 0 && <p className="hint">Nothing captured yet.</p>}
        <ChoiceList
          options={captures.map((c) => ({
            value: c.id,
            label: (
              <>
                {formatTime(c.startedAt)} – {formatTime(c.active ? null : c.endedAt)} ({c.messages}{' '}
                messages)
              </>
            )
          }))}
          chosen={choices.captures}
          onChange={(captures) => set({ captures })}
        />
      </fieldset>
      <fieldset>
        <legend>Topics</legend>
        <ChoiceList
          options={topics.map((t) => ({ value: t, label: t }))}
          chosen={choices.topics}
          onChange={(topics) => set({ topics })}
        />
      </fieldset>
      <fieldset>
        <legend>Fields</legend>
        <ChoiceList
          options={fields.map((f) => ({
            value: f.name,
            label: f.unit ? `${f.name} (${f.unit})` : f.name
          }))}
          chosen={choices.fields}
          onChange={(fields) => set({ fields })}
        />
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
