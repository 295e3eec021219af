import { useId } from 'react'
import type { PasswordFields } from './profile-form-model'

export const SAVED_SECRET_HINT = '(saved — leave empty to keep)'

interface Props {
  label: string
  /** "Clear saved password", "Clear saved passphrase". */
  clearLabel: string
  saved: boolean
  value: PasswordFields
  onChange: (value: PasswordFields) => void
}

/** A write-only secret: never shown, kept when left empty, cleared only on request. */
export function SecretField({
  label,
  clearLabel,
  saved,
  value,
  onChange
}: Props): React.JSX.Element {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={`${id}-input`}>{label}</label>
      <input
        id={`${id}-input`}
        type="password"
        value={value.value}
        onChange={(e) => onChange({ ...value, value: e.target.value })}
        placeholder={saved ? SAVED_SECRET_HINT : ''}
        aria-describedby={saved ? `${id}-hint` : undefined}
        autoComplete="new-password"
        disabled={value.clear}
      />
      {saved && (
        <>
          <p id={`${id}-hint`} className="hint">
            {SAVED_SECRET_HINT}
          </p>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={value.clear}
              onChange={(e) => onChange({ ...value, clear: e.target.checked })}
            />
            {clearLabel}
          </label>
        </>
      )}
    </div>
  )
}
