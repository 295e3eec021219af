import * as zlib from 'node:zlib'
import mqtt, {
  type IClientPublishOptions,
  type IConnackPacket,
  type IPublishPacket,
  type MqttClient
} from 'mqtt'
import type { Profile } from '../../../shared/schemas'
import type { ConnectionState, ConnectionStatus } from '../../../shared/types'
import { describeFailure, timedOut, type Failure } from './connection-errors'
import {
  bareHost,
  buildMqttOptions,
  hostPort,
  ProfileError,
  type ProfileSecrets
} from './mqtt-options'
import { forgetInflight, sessionStores, type SessionStores } from './session-stores'

export const BACKOFF_START_MS = 1000
export const BACKOFF_CAP_MS = 30_000

export interface ConnectionEvents {
  status(status: ConnectionStatus): void
  /** `packet` carries QoS, retain and MQTT 5 properties (the topic explorer keeps them). */
  message(topic: string, payload: Buffer, packet: IPublishPacket): void
  /** A subscription the broker refused, or another non-fatal problem worth showing. */
  warning?(message: string): void
}

export interface ConnectionOptions {
  /** Where persistent sessions keep their in-flight QoS 2 messages (the data folder's sessions/). */
  sessionDir?: string
}

/** The filter as subscribed: `$share/<group>/<filter>` for a member of a shared subscription. */
export function subscriptionFilter(profile: Profile, filter: string): string {
  return profile.shareGroup ? `$share/${profile.shareGroup}/${filter}` : filter
}

/**
 * MQTT 5 subscriptions ask for retain-as-published, so the topic explorer sees which live
 * messages were retained. A shared one also asks for retain handling 2 (no retained messages
 * when subscribing): otherwise every member of the group gets each retained message.
 */
export function subscriptionOptions(
  profile: Profile,
  qos: 0 | 1 | 2
): { qos: 0 | 1 | 2; rap?: boolean; rh?: number } {
  if (profile.protocolVersion !== '5.0') return { qos }
  return profile.shareGroup ? { qos, rap: true, rh: 2 } : { qos, rap: true }
}

/** Exponential backoff from 1 s to a 30 s cap, with jitter so many clients do not align. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_CAP_MS, BACKOFF_START_MS * 2 ** Math.max(0, attempt - 1))
  return Math.round(base * (0.5 + random() * 0.5))
}

/**
 * One broker connection: one mqtt.js client kept for the whole session (its in-flight QoS 1/2
 * state survives reconnects), our own reconnect schedule, and a status in plain words.
 */
export class Connection {
  private client: MqttClient | null = null
  private state: ConnectionStatus
  private attempt = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private lastFailure: Failure | null = null
  private connectStartedAt = 0
  private subscribedThisSession = false
  private awaitingConnack = false
  private stopped = true
  private readonly target: string
  /** The name the server certificate is checked against (TLS only). */
  private readonly checkedName: string
  private readonly stores: SessionStores
  /** Filters subscribed besides the profile's (the broker view's `$SYS/#`), with who to tell. */
  private readonly extraFilters = new Map<string, (granted: boolean) => void>()
  /** Extra filters dropped while offline: a kept session still has them until unsubscribed. */
  private readonly staleFilters = new Set<string>()
  /**
   * QoS 1 messages of this session by packet id (at most 65,535: ids are 16 bits). A broker
   * sends one again, flagged DUP and under the same id, when it did not get our
   * acknowledgement (a restart): one we already have is not captured twice.
   */
  private readonly received = new Map<number, { topic: string; crc: number }>()

  constructor(
    readonly profile: Profile,
    private readonly secrets: ProfileSecrets,
    private readonly events: ConnectionEvents,
    options: ConnectionOptions = {}
  ) {
    this.target = hostPort(profile.host, profile.port)
    this.checkedName = profile.tls.servername || bareHost(profile.host)
    this.stores = sessionStores(profile, options.sessionDir)
    this.state = {
      profileId: profile.id,
      name: profile.name,
      state: 'disconnected',
      since: Date.now()
    }
  }

  get status(): ConnectionStatus {
    return this.state
  }

  open(): void {
    if (!this.stopped) return
    this.stopped = false
    this.attempt = 0
    this.lastFailure = null
    this.subscribedThisSession = false
    let options
    try {
      options = buildMqttOptions(this.profile, this.secrets)
    } catch (error) {
      this.fail(
        error instanceof ProfileError
          ? { message: error.message, fatal: true }
          : this.describe(error)
      )
      return
    }
    if (this.profile.shareGroup && this.profile.protocolVersion !== '5.0')
      this.events.warning?.(
        `Shared subscription "${this.profile.shareGroup}" on MQTT ${this.profile.protocolVersion}: every member of the group gets each retained message. Choose MQTT 5.0, which asks the broker not to send them.`
      )
    this.setState('connecting')
    this.awaitingConnack = true
    this.connectStartedAt = Date.now()
    try {
      this.client = mqtt.connect({ ...options, ...this.stores })
    } catch (error) {
      // mqtt.js throws synchronously for some TLS problems (a wrong key passphrase).
      this.fail(this.describe(error))
      return
    }
    this.wire(this.client)
  }

  async close(): Promise<void> {
    this.stopped = true
    this.clearTimer()
    const client = this.client
    this.client = null
    if (client) await new Promise<void>((resolve) => client.end(false, {}, () => resolve()))
    this.setState('disconnected')
  }

  /**
   * Subscribes (QoS 0) to a filter that is not in the profile, now if connected and again on
   * every connect; `onResult` hears whether the broker granted it.
   */
  addFilter(filter: string, onResult: (granted: boolean) => void): void {
    this.extraFilters.set(filter, onResult)
    this.staleFilters.delete(filter)
    if (this.client?.connected) this.subscribeExtra(this.client, filter)
  }

  removeFilter(filter: string): void {
    if (!this.extraFilters.delete(filter)) return
    if (this.client?.connected) this.client.unsubscribe(filter)
    else this.staleFilters.add(filter)
  }

  /** Publishes now; refused in words while not connected (nothing is queued behind the user's back). */
  async publish(topic: string, payload: Buffer, options: IClientPublishOptions): Promise<void> {
    const client = this.client
    if (!client?.connected)
      throw new Error(`${this.profile.name} is not connected: connect first, then publish.`)
    await client.publishAsync(topic, payload, options)
  }

  /** True for a QoS 1 message sent again (DUP) that this session already received. */
  private redelivered(topic: string, payload: Buffer, packet: IPublishPacket): boolean {
    if (packet.qos !== 1 || packet.messageId === undefined) return false
    const crc = zlib.crc32(payload)
    const seen = this.received.get(packet.messageId)
    if (packet.dup && seen && seen.topic === topic && seen.crc === crc) return true
    this.received.set(packet.messageId, { topic, crc })
    return false
  }

  /**
   * Publishes one QoS 0 message, not retained, while connected (a Sparkplug rebirth request
   * is only worth sending now); returns whether it was handed to the client.
   */
  publishNow(topic: string, payload: Uint8Array): boolean {
    const client = this.client
    if (!client?.connected) return false
    client.publish(topic, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), {
      qos: 0,
      retain: false
    })
    return true
  }

  private subscribeExtra(client: MqttClient, filter: string): void {
    client.subscribe(filter, { qos: 0 }, (error, granted) => {
      const ok = !error && (granted ?? []).every((g) => g.qos !== 128 && g.qos <= 2)
      this.extraFilters.get(filter)?.(ok)
    })
  }

  private wire(client: MqttClient): void {
    client.on('connect', (connack) => this.onConnect(client, connack))
    // A message that arrives after our DISCONNECT went out is not taken: its acknowledgement
    // would follow the DISCONNECT, which the broker never reads, so it sends the message
    // again in the next session (taking it now would capture it twice).
    let disconnectSent = false
    client.on('packetsend', (packet) => {
      if (packet.cmd === 'disconnect') disconnectSent = true
    })
    client.on('message', (topic, payload, packet) => {
      if (disconnectSent) return
      if (!this.redelivered(topic, payload, packet)) this.events.message(topic, payload, packet)
    })
    client.on('error', (error) => {
      const failure = this.describe(error)
      this.lastFailure = failure
      if (failure.fatal) this.fail(failure)
    })
    client.on('disconnect', (packet) => {
      if (packet.reasonCode) this.lastFailure = this.describe({ code: packet.reasonCode })
    })
    client.on('close', () => this.onClose())
  }

  private onConnect(client: MqttClient, connack: IConnackPacket): void {
    this.awaitingConnack = false
    this.attempt = 0
    this.lastFailure = null
    this.clearTimer()
    this.setState('connected')
    // MQTT 3.1 has no session-present flag: there the broker's word is never "no session".
    if (!connack.sessionPresent && this.profile.protocolVersion !== '3.1') {
      forgetInflight(this.stores)
      this.received.clear()
    }
    // Subscribe on the first connect of a session, and again whenever the broker did not keep
    // it. A shared subscription every time: Mosquitto 2.0.11 loses it in a restart although it
    // reports the session present.
    if (!this.subscribedThisSession || !connack.sessionPresent || this.profile.shareGroup) {
      this.subscribedThisSession = true
      this.subscribe(client)
    }
    // Again on every connect: one may have been added while offline; a repeat is harmless.
    for (const filter of this.extraFilters.keys()) this.subscribeExtra(client, filter)
    for (const filter of this.staleFilters) client.unsubscribe(filter)
    this.staleFilters.clear()
  }

  private subscribe(client: MqttClient): void {
    const topics = this.profile.topics
    if (topics.length === 0) return
    const map = Object.fromEntries(
      topics.map((t) => [
        subscriptionFilter(this.profile, t.filter),
        subscriptionOptions(this.profile, t.qos)
      ])
    )
    client.subscribe(map, (error, granted) => {
      if (error) {
        this.events.warning?.(`Subscribing failed: ${error.message}`)
        return
      }
      const refused = (granted ?? []).filter((g) => g.qos === 128 || g.qos > 2).map((g) => g.topic)
      if (refused.length > 0)
        this.events.warning?.(
          `The broker refused the subscription to ${refused.join(', ')} (not authorized?).`
        )
    })
  }

  private onClose(): void {
    if (this.stopped) return
    if (
      !this.lastFailure &&
      this.awaitingConnack &&
      Date.now() - this.connectStartedAt >= this.profile.connectTimeoutMs * 0.9
    ) {
      this.lastFailure = timedOut(this.target)
    }
    const wasConnected = !this.awaitingConnack
    this.awaitingConnack = false
    this.attempt++
    const delay = backoffDelay(this.attempt)
    const nextRetryAt = Date.now() + delay
    const message =
      this.lastFailure?.message ??
      (wasConnected ? `Connection to ${this.target} lost.` : `Could not connect to ${this.target}.`)
    this.setState('reconnecting', { message, attempt: this.attempt, nextRetryAt })
    this.clearTimer()
    this.timer = setTimeout(() => this.retry(), delay)
  }

  private retry(): void {
    this.timer = null
    if (this.stopped || !this.client) return
    this.lastFailure = null
    this.connectStartedAt = Date.now()
    this.awaitingConnack = true
    this.setState('reconnecting', {
      attempt: this.attempt,
      message: `Reconnecting to ${this.target}…`
    })
    try {
      // Without the stores mqtt.js starts empty ones and drops QoS 2 messages awaiting PUBREL.
      this.client.reconnect(this.stores)
    } catch (error) {
      const failure = this.describe(error)
      if (failure.fatal) this.fail(failure)
      else {
        this.lastFailure = failure
        this.onClose()
      }
    }
  }

  private describe(error: unknown): Failure {
    const failure = describeFailure(error, this.target, this.checkedName)
    const code = (error as { code?: unknown })?.code
    // A reset before any answer is most often TLS spoken to a plain port, or the other way round.
    if (this.awaitingConnack && (code === 'ECONNRESET' || code === 'EPIPE')) {
      const tls = this.profile.transport === 'mqtts' || this.profile.transport === 'wss'
      return {
        ...failure,
        message: `The connection to ${this.target} was reset before the broker answered: check that this port speaks ${tls ? 'TLS (or choose mqtt/ws)' : 'plain MQTT (or choose mqtts/wss)'}.`
      }
    }
    return failure
  }

  private fail(failure: Failure): void {
    this.stopped = true
    this.clearTimer()
    const client = this.client
    this.client = null
    client?.end(true)
    this.setState('error', { message: failure.message })
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private setState(state: ConnectionState, extra: Partial<ConnectionStatus> = {}): void {
    this.state = {
      profileId: this.profile.id,
      name: this.profile.name,
      state,
      since: Date.now(),
      ...extra
    }
    this.events.status(this.state)
  }
}
