// The broker's side: what the $SYS view and the queue table ("qshape for MQTT") send to the UI.
import { z } from 'zod'

export const QSHAPE_GROUPS = ['subscriber', 'publisher', 'topic'] as const
export type QshapeGroup = (typeof QSHAPE_GROUPS)[number]

export const qshapeOptionsSchema = z.object({
  /** Rows per subscriber client id (default), per publisher client id, or per topic prefix. */
  groupBy: z.enum(QSHAPE_GROUPS).default('subscriber'),
  /** With groupBy 'topic': how many leading topic levels make a row. */
  topicLevels: z.number().int().min(1).max(32).default(1),
  /** Age columns; the last is open-ended. */
  buckets: z.number().int().min(1).max(40).default(10),
  /** Upper age limit of the first column, in minutes. */
  firstBucketMinutes: z.number().finite().positive().max(1e7).default(1),
  /** Columns step by the first limit instead of doubling. */
  linear: z.boolean().default(false),
  /**
   * The message expiry interval (seconds) the publishers use. Mosquitto keeps only when a
   * message expires, so its age is this interval minus the time left; null: ages unknown.
   */
  intervalSeconds: z.number().int().min(1).max(0xffffffff).nullable().default(null),
  /** Rows shown after TOTAL, largest first; 0 shows all. */
  top: z.number().int().min(0).max(1_000_000).default(20)
})
export type QshapeOptions = z.output<typeof qshapeOptionsSchema>
export type QshapeOptionsInput = z.input<typeof qshapeOptionsSchema>

/** online / offline / expired session; unknown when neither the file nor the broker's log says. */
export type ClientState = 'online' | 'offline' | 'expired' | 'unknown'

export interface QshapeRow {
  name: string
  total: number
  /** Counts per age column, same length as QshapeTable.labels. */
  buckets: number[]
  /** Messages whose age cannot be known (no expiry interval, or none stated). */
  unknown: number
  /** Subscriber rows only. */
  state?: ClientState
}

export interface QshapeTable {
  groupBy: QshapeGroup
  /** Column headings in minutes, Postfix style: "1 2 4 … 256 256+". */
  labels: string[]
  total: QshapeRow
  rows: QshapeRow[]
  /** Rows left out by `top` (their messages are in TOTAL). */
  hiddenRows: number
}

export interface QshapeResult {
  file: string
  /** When the broker saved the file (its modification time, epoch ms); ages are as of then. */
  savedAt: number
  sizeBytes: number
  table: QshapeTable
  /** Persistent sessions, stored messages, retained messages, subscriptions and chunks read. */
  counts: {
    sessions: number
    stored: number
    retained: number
    subscriptions: number
    chunks: number
  }
  /** Why the file was not read to its end (damaged, cut short, unknown version); rows before it are kept. */
  problem: string | null
  /** How to read the table: where ages and states come from, what was counted as unknown. */
  notes: string[]
}

/** One figure of the broker view; `field` names its captured series on the `$SYS/broker` topic. */
export interface SysFigure {
  field: string
  label: string
  unit: string
  /** Latest value; null until the broker has said. */
  value: number | null
}

export interface DropEvent {
  clientId: string
  /** How many times the broker logged that it started dropping for this client. */
  count: number
  /** Epoch ms of the latest. */
  lastAt: number
}

export interface BrokerSysView {
  profileId: string
  /** The connection's name: the `connection` of the captured series. */
  connection: string
  /** Subscribed to `$SYS/#` now. */
  watching: boolean
  /** Keeps watching while no view is open. */
  pinned: boolean
  /** waiting: subscribed, nothing yet; receiving; silent: nothing came within the wait; idle: not watching. */
  status: 'idle' | 'waiting' | 'receiving' | 'silent'
  /** Plain words for `silent`, a refused subscription, or a connection that is not up. */
  message: string | null
  version: string | null
  uptimeSeconds: number | null
  /** The captured series' topic. */
  topic: string
  figures: SysFigure[]
  /** `$SYS/broker/publish/messages/dropped`: dropped since the broker started. */
  droppedTotal: number | null
  drops: DropEvent[]
  /** Whether log lines arrive on `$SYS/broker/log/#` (`log_dest topic`). */
  logSeen: boolean
  updatedAt: number
}

export interface BrokerPrefs {
  /** Last persistence file read, per connection profile. */
  file: string
  /** Pid file or process id of the broker (desktop). */
  process: string
  options: QshapeOptions
}

export interface BrokerProcess {
  pid: number
  /** The process's name as the system reports it (e.g. "mosquitto"). */
  name: string
}
