import { Notification } from 'electron'
import type { ConnectionState, ConnectionStatus } from '../../shared/types'

export type StatusSource = (listener: (status: ConnectionStatus) => void) => () => void

/**
 * A system notification when a live connection drops (broker gone, network lost), if the
 * user asked for it. Closing a connection yourself is not a drop.
 */
export function notifyOnDrop(
  statuses: StatusSource,
  enabled: () => boolean,
  onClick: () => void = () => undefined
): () => void {
  const last = new Map<string, ConnectionState>()
  return statuses((status) => {
    const before = last.get(status.profileId)
    last.set(status.profileId, status.state)
    const dropped =
      before === 'connected' && (status.state === 'reconnecting' || status.state === 'error')
    if (!dropped || !enabled() || !Notification.isSupported()) return
    const why = status.message ? `${status.message} ` : ''
    const notification = new Notification({
      title: `${status.name}: connection lost`,
      body:
        status.state === 'reconnecting' ? `${why}Reconnecting…` : why || 'The connection failed.'
    })
    notification.on('click', onClick)
    notification.show()
  })
}
