import type { Profile } from '../../../shared/schemas'
import type { ConnectionStatus } from '../../../shared/types'
import { bareHost } from './mqtt-options'

/** States in which a connection holds (or is about to hold) its client ID at the broker. */
const LIVE: ReadonlySet<ConnectionStatus['state']> = new Set([
  'connecting',
  'connected',
  'reconnecting'
])

/**
 * A broker keeps one connection per client ID and drops the older one when another connects,
 * so two profiles with the same ID on the same broker would throw each other off, again and
 * again as each reconnects. Same host (any port: one broker often has several listeners) and
 * same client ID counts as the same broker session. Returns the warning, or null.
 */
export function clientIdWarning(
  profile: Profile,
  live: readonly { profile: Profile; status: ConnectionStatus }[]
): string | null {
  const host = bareHost(profile.host).toLowerCase()
  const clash = live.find(
    (other) =>
      other.profile.id !== profile.id &&
      LIVE.has(other.status.state) &&
      other.profile.clientId === profile.clientId &&
      bareHost(other.profile.host).toLowerCase() === host
  )
  if (!clash) return null
  return (
    `"${clash.profile.name}" is already connected to ${bareHost(profile.host)} with client ID ` +
    `"${profile.clientId}". The broker allows one connection per client ID, so connecting ` +
    `"${profile.name}" too would make it disconnect one of them, again and again. Give one ` +
    `profile another client ID, or disconnect "${clash.profile.name}" first.`
  )
}
