import { useId, useState } from 'react'
import { errorMessage } from '../util/id'

export type FilePurpose = 'ca' | 'cert' | 'key' | 'proto'
/** Opens the native file dialog (desktop); absent in the browser, where paths are typed. */
export type PickFile = (purpose: FilePurpose) => Promise<string | null>

interface Props {
  label: string
  purpose: FilePurpose
  value: string
  onChange: (value: string) => void
  pickFile?: PickFile
}

/** A PEM file path: typed (a path on the machine running the app), or chosen in a dialog. */
export function FileField({ label, purpose, value, onChange, pickFile }: Props): React.JSX.Element {
  const id = useId()
  const [error, setError] = useState('')
  const choose = async (): Promise<void> => {
    setError('')
    try {
      const path = await pickFile!(purpose)
      if (path) onChange(path)
    } catch (e) {
      setError(errorMessage(e))
    }
  }
  return (
    <div className="field">
      <label htmlFor={`${id}-path`}>{label}</label>
      <div className="field-row">
        <input
          id={`${id}-path`}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder={pickFile ? 'Choose a PEM file' : '/path/to/file.pem'}
          aria-describedby={`${id}-hint`}
          spellCheck={false}
          autoComplete="off"
        />
        {pickFile && (
          <button type="button" onClick={() => void choose()} aria-label={`Choose ${label} file`}>
            Choose…
          </button>
        )}
      </div>
      <p id={`${id}-hint`} className="hint">
        {pickFile
          ? 'A PEM file; leave empty for none.'
          : 'Path of a PEM file on the machine running the server; leave empty for none.'}
      </p>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </div>
  )
}
