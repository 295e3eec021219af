import { useEffect, useId, useRef, useState } from 'react'
import type { Api } from '../../../shared/contract'
import { errorMessage } from '../util/id'

interface Props {
  api: Api
  profileId: string
  topic: string
  onDone: (message: string) => void
}

/**
 * "Clear retained": after a confirmation, publishes an empty retained message, which tells
 * the broker to keep nothing for the topic.
 */
export function ClearRetained({ api, profileId, topic, onDone }: Props): React.JSX.Element {
  const [asking, setAsking] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const confirmRef = useRef<HTMLButtonElement>(null)
  const titleId = useId()
  useEffect(() => {
    if (asking) confirmRef.current?.focus()
  }, [asking])

  const clear = (): void => {
    setBusy(true)
    setError('')
    api
      .invoke('topics:publish', {
        profileId,
        topic,
        format: 'text',
        payload: '',
        qos: 1,
        retain: true,
        remember: false
      })
      .then(
        () => {
          setAsking(false)
          onDone(`The retained message of ${topic} was cleared.`)
        },
        (e: unknown) => setError(errorMessage(e))
      )
      .finally(() => setBusy(false))
  }

  if (!asking)
    return (
      <button type="button" onClick={() => setAsking(true)}>
        Clear retained
      </button>
    )
  return (
    <div className="confirm" role="alertdialog" aria-labelledby={titleId}>
      <p id={titleId}>
        Clear the retained message of <strong>{topic}</strong>? The broker will then give a new
        subscriber nothing for this topic.
      </p>
      <button ref={confirmRef} type="button" disabled={busy} onClick={clear}>
        Clear retained message
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
