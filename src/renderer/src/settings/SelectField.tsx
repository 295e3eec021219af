export interface SelectOption<T extends string | number> {
  value: T
  label: string
}

interface Props<T extends string | number> {
  id: string
  label: React.ReactNode
  value: T
  options: readonly SelectOption<T>[]
  onChange: (value: T) => void
}

/** A labelled select in a `.field`; hands back the chosen option's own (typed) value. */
export function SelectField<T extends string | number>({
  id,
  label,
  value,
  options,
  onChange
}: Props<T>): React.JSX.Element {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => {
          const chosen = options.find((o) => String(o.value) === e.target.value)
          if (chosen) onChange(chosen.value)
        }}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  )
}
