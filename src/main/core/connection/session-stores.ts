import mqtt, { type IStore } from 'mqtt'
import type { Profile } from '../../../shared/schemas'

export interface SessionStores {
  incomingStore: IStore
  outgoingStore: IStore
}

// A persistent session outlives one Connection (disconnect, then connect again): the QoS 2
// messages whose PUBREL is still due must survive with it, or the broker's PUBREL finds nothing.
const incomingBySession = new Map<string, IStore>()
const MAX_SESSIONS = 1000

// clean: false keeps the packets when mqtt.js closes the store at the end of a connection.
const store = (): IStore => new mqtt.Store({ clean: false })

/**
 * The in-flight stores of one broker session, to pass to mqtt.js on connect and on every
 * reconnect(): without them it makes fresh ones and forgets received, unreleased QoS 2 messages.
 * The outgoing store is per Connection (we only publish the will, which the broker holds).
 */
export function sessionStores(profile: Profile): SessionStores {
  if (profile.clean) return { incomingStore: store(), outgoingStore: store() }
  const key = `${profile.transport}://${profile.host}:${profile.port}${profile.path}#${profile.clientId}`
  let incoming = incomingBySession.get(key)
  if (!incoming) {
    if (incomingBySession.size >= MAX_SESSIONS)
      incomingBySession.delete(incomingBySession.keys().next().value!)
    incomingBySession.set(key, (incoming = store()))
  }
  return { incomingStore: incoming, outgoingStore: store() }
}
