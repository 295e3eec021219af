// "qshape for MQTT": Postfix's queue-shape table over what a Mosquitto persistence file says
// each client has waiting. Rows are TOTAL then groups by count; columns T, age buckets in
// minutes (each twice the last, or linear), messages of unknown age, and the client's state.
import type {
  ClientState,
  QshapeOptions,
  QshapeResult,
  QshapeRow,
  QshapeTable
} from '../../../shared/broker-types'
import { DIRECTION_OUT, SESSION_NEVER_EXPIRES } from './persistence-format'
import type { PersistenceRead } from './persistence-file'
import type { PersistenceContents, Session } from './persistence-reader'

/** Upper limits (minutes) of every bucket but the last, which is open-ended. */
export function bucketLimits(
  options: Pick<QshapeOptions, 'buckets' | 'firstBucketMinutes' | 'linear'>
): number[] {
  const limits: number[] = []
  let limit = options.firstBucketMinutes
  for (let i = 0; i < options.buckets - 1; i++) {
    limits.push(limit)
    limit = options.linear ? limit + options.firstBucketMinutes : limit * 2
  }
  return limits
}

function minutesLabel(minutes: number): string {
  return Number.isInteger(minutes) ? String(minutes) : String(Number(minutes.toPrecision(4)))
}

/** Postfix's headings: "5 10 20 … 1280 1280+"; one bucket alone is "0+". */
export function bucketLabels(
  options: Pick<QshapeOptions, 'buckets' | 'firstBucketMinutes' | 'linear'>
): string[] {
  const limits = bucketLimits(options)
  const labels = limits.map(minutesLabel)
  labels.push(`${limits.length > 0 ? minutesLabel(limits[limits.length - 1]) : '0'}+`)
  return labels
}

/** The bucket of an age in minutes: the first whose limit it is below, else the last. */
export function bucketOf(ageMinutes: number, limits: readonly number[]): number {
  for (let i = 0; i < limits.length; i++) if (ageMinutes < limits[i]) return i
  return limits.length
}

export interface QshapeContext {
  /** Epoch ms the ages are measured at: when the file was saved. */
  savedAt: number
  /** Epoch ms now: a session whose expiry time has passed is shown expired. */
  now: number
  /** What the broker's log said last about a client since the app watched it, if anything. */
  loggedState?: (clientId: string) => 'online' | 'offline' | undefined
}

/**
 * A client's state. The file tells for MQTT 5 sessions (Mosquitto sets the expiry time when a
 * client disconnects and starts from zero when it connects); an MQTT 3.1.1 session never
 * expires and looks the same online or off, so only the broker's log can tell.
 */
export function clientState(
  session: Session | undefined,
  ctx: QshapeContext,
  clientId: string
): ClientState {
  if (session) {
    const expiring = session.sessionExpiryInterval !== SESSION_NEVER_EXPIRES
    if (expiring && session.sessionExpiryTime > 0 && session.sessionExpiryTime * 1000 <= ctx.now)
      return 'expired'
  }
  const logged = ctx.loggedState?.(clientId)
  if (logged) return logged
  if (!session || session.sessionExpiryInterval === SESSION_NEVER_EXPIRES) return 'unknown'
  return session.sessionExpiryTime > 0 ? 'offline' : 'online'
}

const NO_PUBLISHER = '(broker)'
const MISSING = '(missing message)'

interface Group {
  row: QshapeRow
}

function emptyRow(name: string, width: number): QshapeRow {
  return { name, total: 0, buckets: new Array<number>(width).fill(0), unknown: 0 }
}

/** Builds the table from a parsed file; also returns counts for the notes. */
export function buildQshape(
  contents: PersistenceContents,
  options: QshapeOptions,
  ctx: QshapeContext
): { table: QshapeTable; noExpiry: number; longerThanStated: number; missing: number } {
  const limits = bucketLimits(options)
  const labels = bucketLabels(options)
  const width = labels.length
  const groups = new Map<string, Group>()
  const total = emptyRow('TOTAL', width)
  const savedAtSeconds = ctx.savedAt / 1000
  let noExpiry = 0
  let longerThanStated = 0
  let missing = 0

  for (const held of contents.clientMessages) {
    if (held.direction !== DIRECTION_OUT) continue
    const stored = contents.stored.get(held.storeId)
    if (!stored) missing++
    let key: string
    if (options.groupBy === 'subscriber') key = held.clientId
    else if (!stored) key = MISSING
    else if (options.groupBy === 'publisher') key = stored.source || NO_PUBLISHER
    else key = stored.topic.split('/').slice(0, options.topicLevels).join('/')

    let group = groups.get(key)
    if (!group) groups.set(key, (group = { row: emptyRow(key, width) }))
    const row = group.row
    row.total++
    total.total++

    let bucket = -1
    if (stored && stored.expiryTime > 0 && options.intervalSeconds !== null) {
      const age = options.intervalSeconds - (stored.expiryTime - savedAtSeconds)
      if (age >= 0) bucket = bucketOf(age / 60, limits)
      else longerThanStated++
    } else if (stored && stored.expiryTime === 0) {
      noExpiry++
    }
    if (bucket < 0) {
      row.unknown++
      total.unknown++
    } else {
      row.buckets[bucket]++
      total.buckets[bucket]++
    }
  }

  const rows = [...groups.values()].map((g) => g.row)
  if (options.groupBy === 'subscriber') {
    for (const row of rows) row.state = clientState(contents.sessions.get(row.name), ctx, row.name)
  }
  rows.sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const shown = options.top > 0 ? rows.slice(0, options.top) : rows
  return {
    table: {
      groupBy: options.groupBy,
      labels,
      total,
      rows: shown,
      hiddenRows: rows.length - shown.length
    },
    noExpiry,
    longerThanStated,
    missing
  }
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

/** The table and the notes that say how to read it. */
export function qshapeResult(
  read: PersistenceRead,
  options: QshapeOptions,
  ctx: Omit<QshapeContext, 'savedAt'>
): QshapeResult {
  const { contents } = read
  const built = buildQshape(contents, options, { ...ctx, savedAt: read.savedAt })
  const notes: string[] = []
  const held = built.table.total.total
  notes.push(
    `${plural(held, 'message', 'messages')} waiting to be delivered (queued or in flight), as saved by the broker at ${new Date(read.savedAt).toISOString()}.`
  )
  if (options.intervalSeconds === null) {
    notes.push(
      'Ages are unknown: Mosquitto keeps only when a message expires. State the message expiry interval your publishers use (the interval field, or --interval) to see ages.'
    )
  } else {
    notes.push(
      `Ages are the stated expiry interval of ${options.intervalSeconds} s minus the time each message had left when the file was saved.`
    )
    if (built.noExpiry > 0)
      notes.push(
        `${plural(built.noExpiry, 'message carries', 'messages carry')} no expiry interval: counted under age unknown.`
      )
    if (built.longerThanStated > 0)
      notes.push(
        `${plural(built.longerThanStated, 'message has', 'messages have')} more time left than the stated interval (a publisher uses a longer one): counted under age unknown.`
      )
  }
  if (built.missing > 0)
    notes.push(
      `${plural(built.missing, 'queued entry refers', 'queued entries refer')} to a message missing from the file.`
    )
  if (options.groupBy === 'subscriber' && built.table.rows.some((r) => r.state === 'unknown'))
    notes.push(
      'State unknown: an MQTT 3.1.1 session looks the same online and offline in the file; with the broker view open (and log_dest topic) the broker’s log tells.'
    )
  if (built.table.hiddenRows > 0)
    notes.push(
      `${plural(built.table.hiddenRows, 'more row is', 'more rows are')} not shown (in TOTAL).`
    )
  return {
    file: read.file,
    savedAt: read.savedAt,
    sizeBytes: read.sizeBytes,
    table: built.table,
    counts: {
      sessions: contents.sessions.size,
      stored: contents.stored.size,
      retained: contents.retained,
      subscriptions: contents.subscriptions,
      chunks: contents.chunks
    },
    problem: contents.problem,
    notes
  }
}
