// The figures of the broker view, from Mosquitto's `$SYS/broker/...` topics. Every topic is a
// broker-wide total; none is per client. Mosquitto publishes a value only when it changed (as a
// retained message that expires after 60 s), and starts each update with the uptime, so the
// uptime is the clock: rates are counter differences between two updates over their uptime
// difference, and a counter that was not republished did not change.
import type { SysFigure } from '../../../shared/broker-types'

interface FigureDef {
  field: string
  label: string
  unit: string
  topic: string
  /** gauge: the value as published; rate: per second from a counter. */
  kind: 'gauge' | 'rate'
}

export const SYS_PREFIX = '$SYS/broker/'
/** Where the figures are captured: one series per figure on this topic. */
export const SYS_SERIES_TOPIC = '$SYS/broker'
export const UPTIME_TOPIC = '$SYS/broker/uptime'
export const VERSION_TOPIC = '$SYS/broker/version'
export const DROPPED_TOPIC = '$SYS/broker/publish/messages/dropped'
export const LOG_PREFIX = '$SYS/broker/log/'

export const FIGURES: readonly FigureDef[] = [
  {
    field: 'clients_connected',
    label: 'Clients connected',
    unit: 'clients',
    topic: '$SYS/broker/clients/connected',
    kind: 'gauge'
  },
  {
    field: 'clients_disconnected',
    label: 'Clients disconnected',
    unit: 'clients',
    topic: '$SYS/broker/clients/disconnected',
    kind: 'gauge'
  },
  {
    field: 'clients_maximum',
    label: 'Clients maximum',
    unit: 'clients',
    topic: '$SYS/broker/clients/maximum',
    kind: 'gauge'
  },
  {
    field: 'messages_in',
    label: 'Messages in',
    unit: 'msg/s',
    topic: '$SYS/broker/messages/received',
    kind: 'rate'
  },
  {
    field: 'messages_out',
    label: 'Messages out',
    unit: 'msg/s',
    topic: '$SYS/broker/messages/sent',
    kind: 'rate'
  },
  {
    field: 'dropped',
    label: 'Publish messages dropped',
    unit: 'msg/s',
    topic: DROPPED_TOPIC,
    kind: 'rate'
  },
  {
    field: 'bytes_in',
    label: 'Bytes in',
    unit: 'B/s',
    topic: '$SYS/broker/bytes/received',
    kind: 'rate'
  },
  {
    field: 'bytes_out',
    label: 'Bytes out',
    unit: 'B/s',
    topic: '$SYS/broker/bytes/sent',
    kind: 'rate'
  },
  {
    field: 'retained',
    label: 'Retained messages',
    unit: 'messages',
    topic: '$SYS/broker/retained messages/count',
    kind: 'gauge'
  },
  {
    field: 'stored_messages',
    label: 'Stored messages',
    unit: 'messages',
    topic: '$SYS/broker/store/messages/count',
    kind: 'gauge'
  },
  {
    field: 'stored_bytes',
    label: 'Stored bytes',
    unit: 'B',
    topic: '$SYS/broker/store/messages/bytes',
    kind: 'gauge'
  },
  {
    field: 'subscriptions',
    label: 'Subscriptions',
    unit: 'subscriptions',
    topic: '$SYS/broker/subscriptions/count',
    kind: 'gauge'
  }
]

export const FIGURE_FIELDS: readonly string[] = Object.freeze(FIGURES.map((f) => f.field))
export const FIGURE_UNITS: ReadonlyMap<string, string> = new Map(
  FIGURES.map((f) => [f.field, f.unit])
)
const byTopic = new Map(FIGURES.map((f, i) => [f.topic, i]))

/** A number from a `$SYS` payload ("42", "1.50", "1234 seconds"); NaN when there is none. */
export function sysNumber(text: string): number {
  const match = /^\s*(-?\d+(?:\.\d+)?)/.exec(text)
  return match ? Number(match[1]) : NaN
}

interface Snapshot {
  uptime: number
  counters: number[]
}

/** The latest figures of one broker, updated message by message. */
export class SysFigures {
  /** Latest published value per figure (counters as counters); NaN until published. */
  private readonly published = new Array<number>(FIGURES.length).fill(NaN)
  /** What the view shows: gauges as published, rates per second. */
  readonly values = new Array<number>(FIGURES.length).fill(NaN)
  private lastUptime: number | null = null
  private previous: Snapshot | null = null
  version: string | null = null
  uptime: number | null = null
  /** Any figure (or the version or uptime) arrived. */
  seen = false

  /**
   * Takes one `$SYS` message. Returns true at an update boundary (a new uptime): the values
   * are then complete for the update before it and worth recording.
   */
  take(topic: string, text: string): boolean {
    if (topic === VERSION_TOPIC) {
      this.version = text.trim().slice(0, 200)
      this.seen = true
      return false
    }
    if (topic === UPTIME_TOPIC) {
      this.seen = true
      return this.tick(sysNumber(text))
    }
    const index = byTopic.get(topic)
    if (index === undefined) return false
    const value = sysNumber(text)
    if (Number.isNaN(value)) return false
    this.seen = true
    this.published[index] = value
    if (FIGURES[index].kind === 'gauge') this.values[index] = value
    return false
  }

  private tick(uptime: number): boolean {
    if (Number.isNaN(uptime) || uptime === this.lastUptime) return false
    this.uptime = uptime
    const ended = this.lastUptime
    this.lastUptime = uptime
    // A broker restart starts the uptime again: the counters restart too.
    if (ended === null || uptime < ended) {
      this.previous = null
      return ended !== null
    }
    const counters = this.published.slice()
    const previous = this.previous
    this.previous = { uptime: ended, counters }
    if (!previous) return true
    const seconds = ended - previous.uptime
    for (let i = 0; i < FIGURES.length; i++) {
      if (FIGURES[i].kind !== 'rate') continue
      const before = previous.counters[i]
      const now = counters[i]
      // Never published: unchanged since long before we listened. First published now: it
      // changed, by an amount we cannot know.
      if (Number.isNaN(now) && Number.isNaN(before)) this.values[i] = 0
      else if (Number.isNaN(before) || seconds <= 0 || now < before) this.values[i] = NaN
      else this.values[i] = (now - before) / seconds
    }
    return true
  }

  /** The dropped-messages counter as the broker last published it. */
  get droppedTotal(): number | null {
    const v = this.published[byTopic.get(DROPPED_TOPIC)!]
    return Number.isNaN(v) ? null : v
  }

  figures(): SysFigure[] {
    return FIGURES.map((f, i) => ({
      field: f.field,
      label: f.label,
      unit: f.unit,
      value: Number.isNaN(this.values[i]) ? null : this.values[i]
    }))
  }
}
