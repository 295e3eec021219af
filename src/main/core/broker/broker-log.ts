// Mosquitto's log lines as they arrive on `$SYS/broker/log/<level>` with `log_dest topic`:
// "<epoch seconds>: <message>" (or the configured timestamp format). Three kinds matter here:
// a client starts losing messages, a client connects, a client goes away.
import type { DropEvent } from '../../../shared/broker-types'

export type LogEvent =
  | { kind: 'dropping'; clientId: string; at: number }
  | { kind: 'online'; clientId: string; at: number }
  | { kind: 'offline'; clientId: string; at: number }

const DROPPING = /Outgoing messages are being dropped for client (.+)\.$/
const CONNECTED = /New client connected from \S+ as (.+) \(p\d+, c\d, k\d+/
// "disconnected.", "disconnected: reason.", "disconnected due to …", "closed its connection.",
// "has exceeded timeout, disconnecting.", "been disconnected by administrative action."
const GONE =
  /(?:^|: )Client (.+?) (?:disconnected\b|closed its connection|has exceeded timeout|been disconnected)/
const STAMP = /^(\d{9,11}): /

/** Reads one log line; null when it is none of the kinds above. */
export function parseLogLine(line: string, receivedAt: number): LogEvent | null {
  let text = line.trim()
  let at = receivedAt
  const stamp = STAMP.exec(text)
  if (stamp) {
    at = Number(stamp[1]) * 1000
    text = text.slice(stamp[0].length)
  }
  let match = DROPPING.exec(text)
  if (match) return { kind: 'dropping', clientId: match[1], at }
  match = CONNECTED.exec(text)
  if (match) return { kind: 'online', clientId: match[1], at }
  match = GONE.exec(text)
  if (match) return { kind: 'offline', clientId: match[1], at }
  return null
}

const MAX_CLIENTS = 10_000

/** A map that forgets its oldest entries beyond a limit: a broker can have millions of clients. */
class Bounded<V> {
  private readonly map = new Map<string, V>()
  constructor(private readonly limit: number) {}
  get(key: string): V | undefined {
    return this.map.get(key)
  }
  set(key: string, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value!)
  }
  values(): IterableIterator<V> {
    return this.map.values()
  }
}

/** What the log said, per client, since the app started listening. */
export class BrokerLog {
  private readonly states = new Bounded<'online' | 'offline'>(MAX_CLIENTS)
  private readonly drops = new Bounded<DropEvent>(1000)
  seen = false

  /** Returns true when the drop list changed. */
  take(line: string, receivedAt: number): boolean {
    this.seen = true
    const event = parseLogLine(line, receivedAt)
    if (!event) return false
    if (event.kind !== 'dropping') {
      this.states.set(event.clientId, event.kind)
      return false
    }
    const old = this.drops.get(event.clientId)
    this.drops.set(event.clientId, {
      clientId: event.clientId,
      count: (old?.count ?? 0) + 1,
      lastAt: event.at
    })
    return true
  }

  state(clientId: string): 'online' | 'offline' | undefined {
    return this.states.get(clientId)
  }

  /** Newest first. */
  dropEvents(): DropEvent[] {
    return [...this.drops.values()].sort((a, b) => b.lastAt - a.lastAt)
  }
}
