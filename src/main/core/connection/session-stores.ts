import { createHash } from 'node:crypto'
import * as path from 'node:path'
import mqtt, { type IStore } from 'mqtt'
import type { Profile } from '../../../shared/schemas'
import { FileStore } from './file-store'

export interface SessionStores {
  incomingStore: IStore
  outgoingStore: IStore
}

// A persistent session outlives one Connection (disconnect, then connect again) and one run of
// the app: the QoS 2 messages whose PUBREL is still due must survive with it, or the broker's
// PUBREL finds nothing and the message is lost. One store object per session in this process.
const incomingBySession = new Map<string, IStore>()
const MAX_SESSIONS = 1000

// clean: false keeps the packets when mqtt.js closes the store at the end of a connection.
const store = (): IStore => new mqtt.Store({ clean: false })

/** What identifies a broker session: the broker's address and our client ID. */
export function sessionKey(profile: Profile): string {
  return `${profile.transport}://${profile.host}:${profile.port}${profile.path}#${profile.clientId}`
}

/**
 * The in-flight stores of one broker session, to pass to mqtt.js on connect and on every
 * reconnect(): without them it makes fresh ones and forgets received, unreleased QoS 2 messages.
 * With `dir` (the data folder's sessions/), a persistent session's incoming store is kept on
 * disk so it also survives a restart of the app. The outgoing store is per Connection (we only
 * publish the will, which the broker holds).
 */
export function sessionStores(profile: Profile, dir?: string): SessionStores {
  if (profile.clean) return { incomingStore: store(), outgoingStore: store() }
  const key = sessionKey(profile)
  const folder = dir && path.join(dir, createHash('sha256').update(key).digest('hex').slice(0, 32))
  const cacheKey = folder ?? key
  let incoming = incomingBySession.get(cacheKey)
  if (!incoming) {
    if (incomingBySession.size >= MAX_SESSIONS)
      incomingBySession.delete(incomingBySession.keys().next().value!)
    incoming = folder ? new FileStore(folder) : store()
    incomingBySession.set(cacheKey, incoming)
  }
  return { incomingStore: incoming, outgoingStore: store() }
}

/** The broker kept no session: nothing held for the old one will ever be released. */
export function forgetInflight(stores: SessionStores): void {
  if (stores.incomingStore instanceof FileStore) stores.incomingStore.clear()
}
