import { useEffect, useRef, useState } from 'react'
import type { Api } from '../../../shared/contract'
import type { ConnectionStatus, ProfileView } from '../../../shared/types'
import { onAppCommand } from '../app/app-commands'
import { errorMessage } from '../util/id'
import { canConnect, canDisconnect, statusText } from './status-text'

interface Props {
  api: Api
  /** The selected saved profile; undefined while a new profile is not yet saved. */
  profile: ProfileView | undefined
  statuses: ReadonlyMap<string, ConnectionStatus>
  readOnly: boolean
  onStatus: (status: ConnectionStatus) => void
}

export function ConnectionBar({
  api,
  profile,
  statuses,
  readOnly,
  onStatus
}: Props): React.JSX.Element {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  // Asked before connecting (another live profile has this client ID): confirm or cancel.
  const [warning, setWarning] = useState('')
  const status = profile ? statuses.get(profile.id) : undefined
  const state = status?.state
  const others = [...statuses.values()].filter(
    (s) => s.profileId !== profile?.id && s.state !== 'disconnected'
  )

  const run = async (
    channel: 'connection:open' | 'connection:close',
    profileId = profile?.id
  ): Promise<void> => {
    if (!profileId) return
    setBusy(true)
    setError('')
    try {
      onStatus(await api.invoke(channel, { profileId }))
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  /** Connect, unless the core has a reason to ask first; `anyway` is the user's yes. */
  const connect = async (anyway = false): Promise<void> => {
    if (!profile) return
    setWarning('')
    if (!anyway) {
      try {
        const check = await api.invoke('connection:check', { profileId: profile.id })
        if (check.warning) {
          setError('')
          setWarning(check.warning)
          return
        }
      } catch (e) {
        setError(errorMessage(e))
        return
      }
    }
    await run('connection:open')
  }

  // File > Connect (Ctrl+K) in the desktop menu takes the same path as the button.
  const latestConnect = useRef(connect)
  useEffect(() => {
    latestConnect.current = connect
  })
  const canConnectNow = !!profile && !busy && !readOnly && canConnect(state)
  useEffect(
    () =>
      onAppCommand(window, 'connect', () => {
        if (canConnectNow) void latestConnect.current()
      }),
    [canConnectNow]
  )

  return (
    <section className="connection-bar" aria-label="Connection">
      <p role="status" className={`connection-status state-${state ?? 'disconnected'}`}>
        {profile ? statusText(status, profile.name) : 'Save the new profile to connect'}
      </p>
      <div className="button-row">
        <button type="button" onClick={() => void connect()} disabled={!canConnectNow}>
          Connect
        </button>
        <button
          type="button"
          onClick={() => void run('connection:close')}
          disabled={!profile || busy || readOnly || !canDisconnect(state)}
        >
          Disconnect
        </button>
      </div>
      {others.length > 0 && (
        // Every other live connection keeps its own status, and can be stopped from here.
        <ul className="other-connections" aria-label="Other connections">
          {others.map((s) => (
            <li key={s.profileId}>
              <span className={`connection-status state-${s.state}`}>{statusText(s, s.name)}</span>
              <button
                type="button"
                className="link-button"
                onClick={() => void run('connection:close', s.profileId)}
                disabled={busy || readOnly}
                aria-label={`Disconnect ${s.name}`}
              >
                Disconnect
              </button>
            </li>
          ))}
        </ul>
      )}
      {warning && (
        <div role="alert" className="connect-warning">
          <p className="error-text">{warning}</p>
          <div className="button-row">
            <button type="button" onClick={() => void connect(true)} disabled={busy}>
              Connect anyway
            </button>
            <button type="button" onClick={() => setWarning('')}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </section>
  )
}
