import { useId, useState } from 'react'
import type { Api } from '../../../shared/contract'
import type { ProfileInput } from '../../../shared/schemas'
import type { ProfileView, SettingsView } from '../../../shared/types'
import { errorMessage } from '../util/id'
import { newProfile } from './profile-form-model'
import { filePickerFor } from './file-picker'
import { ProfileForm } from './ProfileForm'

interface Props {
  api: Api
  settings: SettingsView
  /** The saved profile or draft being edited. */
  current: ProfileView | undefined
  draft: ProfileView | null
  readOnly: boolean
  onSelect: (profileId: string) => void
  onDraft: (draft: ProfileView | null) => void
  onSaved: (settings: SettingsView, profileId: string) => void
  /** 'dialog' in the desktop app (native file dialog), 'path' in the browser (typed paths). */
  filePicker?: 'dialog' | 'path'
}

export function SettingsPanel(props: Props): React.JSX.Element {
  const { api, settings, current, draft, readOnly, onSelect, onDraft, onSaved } = props
  const pickFile = filePickerFor(api, props.filePicker)
  const id = useId()
  const [saves, setSaves] = useState(0)
  const [notice, setNotice] = useState('')

  const save = async (input: ProfileInput): Promise<string | null> => {
    try {
      const view = await api.invoke('settings:save-profile', input)
      const profileId = input.profile.id
      onDraft(null)
      onSaved(view, profileId)
      setSaves((n) => n + 1)
      setNotice(`Saved ${input.profile.name}.`)
      return null
    } catch (e) {
      return errorMessage(e)
    }
  }

  const startNew = (): void => {
    setNotice('')
    onDraft(newProfile())
  }

  return (
    <section className="settings-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Connection settings</h2>
      <div className="field">
        <label htmlFor={`${id}-profile`}>Profile</label>
        <div className="field-row">
          <select
            id={`${id}-profile`}
            value={current?.id ?? ''}
            onChange={(e) => {
              setNotice('')
              if (draft && e.target.value !== draft.id) onDraft(null)
              onSelect(e.target.value)
            }}
          >
            {!current && <option value="">No profiles yet</option>}
            {settings.profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            {draft && <option value={draft.id}>{draft.name} (unsaved)</option>}
          </select>
          <button type="button" onClick={startNew} disabled={readOnly}>
            New profile
          </button>
        </div>
      </div>
      {readOnly && <p className="hint">Read-only: settings cannot be changed here.</p>}
      {notice && (
        <p className="ok-text" aria-live="polite">
          {notice}
        </p>
      )}
      {current && (
        <ProfileForm
          key={`${current.id}:${saves}`}
          profile={current}
          readOnly={readOnly}
          onSave={save}
          pickFile={pickFile}
          checkProto={(file) => api.invoke('decoder:check-proto', { file })}
        />
      )}
    </section>
  )
}
