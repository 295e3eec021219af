// Plain-words connection states for the connection bar.
import type { ConnectionState, ConnectionStatus } from '../../../shared/types'

function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour12: false })
}

export function statusText(status: ConnectionStatus | undefined, name: string): string {
  if (!status) return `${name}: disconnected`
  const who = status.name || name
  switch (status.state) {
    case 'connecting':
      return `${who}: connecting…`
    case 'connected':
      return `${who}: connected`
    case 'reconnecting': {
      const parts = [`${who}: reconnecting`]
      const details: string[] = []
      if (status.attempt) details.push(`attempt ${status.attempt}`)
      if (status.nextRetryAt) details.push(`next try at ${clock(status.nextRetryAt)}`)
      if (details.length) parts.push(` (${details.join(', ')})`)
      if (status.message) parts.push(` — ${status.message}`)
      return parts.join('')
    }
    case 'disconnected':
      return `${who}: disconnected`
    case 'error':
      return `${who}: error — ${status.message || 'the connection failed'}`
  }
}

export function canConnect(state: ConnectionState | undefined): boolean {
  return state === undefined || state === 'disconnected' || state === 'error'
}

export function canDisconnect(state: ConnectionState | undefined): boolean {
  return state !== undefined && state !== 'disconnected'
}
