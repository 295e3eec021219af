type Props = {
  label: React.ReactNode
  checked: boolean
  onChange: (checked: boolean) => void
} & ({ id: string; hint: React.ReactNode } | { id?: undefined; hint?: undefined })

/** A checkbox in a `.field`, with an optional hint (`${id}-hint`) that describes it. */
export function CheckboxField({ label, checked, onChange, id, hint }: Props): React.JSX.Element {
  const hintId = hint ? `${id}-hint` : undefined
  return (
    <div className="field">
      <label className="checkbox">
        <input
          type="checkbox"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-describedby={hintId}
        />
        {label}
      </label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
    </div>
  )
}
