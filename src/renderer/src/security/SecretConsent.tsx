import { useEffect, useId, useMemo, useRef, useState } from 'react'
import type { Api } from '../../../shared/contract'
import type { SecretKind } from '../../../shared/schemas'
import { withSecretConsent, type ConsentChoice } from './secret-consent'
import './security.css'

interface Question {
  kinds: SecretKind[]
  answer: (choice: ConsentChoice) => void
}

const WORDS: Record<SecretKind, string> = { password: 'password', passphrase: 'key passphrase' }

/**
 * The api to give the settings form: where secrets can only be kept for this session, saving
 * one first asks the user (the returned dialog) and passes their answer to the core.
 */
export function useSecretConsent(
  api: Api,
  sessionOnly: boolean
): { api: Api; dialog: React.JSX.Element | null } {
  const [question, setQuestion] = useState<Question | null>(null)
  const wrapped = useMemo(
    () =>
      sessionOnly
        ? withSecretConsent(
            api,
            (kinds) =>
              new Promise<ConsentChoice>((resolve) =>
                setQuestion({
                  kinds,
                  answer: (choice) => {
                    setQuestion(null)
                    resolve(choice)
                  }
                })
              )
          )
        : api,
    [api, sessionOnly]
  )
  const dialog = question ? (
    <SecretConsentDialog kinds={question.kinds} onAnswer={question.answer} />
  ) : null
  return { api: wrapped, dialog }
}

function SecretConsentDialog({
  kinds,
  onAnswer
}: {
  kinds: SecretKind[]
  onAnswer: (choice: ConsentChoice) => void
}): React.JSX.Element {
  const id = useId()
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])
  const what = kinds.map((k) => WORDS[k]).join(' and ')
  const it = kinds.length > 1 ? 'them' : 'it'
  return (
    <dialog
      ref={ref}
      className="consent-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      onCancel={(e) => {
        e.preventDefault()
        onAnswer('cancel')
      }}
    >
      <h2 id={`${id}-title`}>Keep the {what} for this session only?</h2>
      <p id={`${id}-text`}>
        {kinds.length > 1 ? 'They' : 'It'} cannot be stored encrypted here (no keyring), so MQTT
        Live Monitor will not write {it} to disk. It can keep {it} in memory until the app quits;
        then you enter {it} again.
      </p>
      <div className="button-row">
        <button type="button" autoFocus onClick={() => onAnswer('session')}>
          Keep for this session only
        </button>
        <button type="button" onClick={() => onAnswer('skip')}>
          Save without {it}
        </button>
        <button type="button" onClick={() => onAnswer('cancel')}>
          Cancel
        </button>
      </div>
    </dialog>
  )
}
