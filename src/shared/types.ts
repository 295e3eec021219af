// Domain types that travel from the core to the UI (responses and pushed events).
import type { Profile, Settings } from './schemas'

/** One decoded value. `t` is epoch milliseconds. */
export interface Reading {
  topic: string
  field: string
  t: number
  value: number
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'error'

export interface ConnectionStatus {
  profileId: string
  name: string
  state: ConnectionState
  /** Plain-words explanation for `error` (and the last failure while reconnecting). */
  message?: string
  /** Reconnect attempt counter, 1-based, while reconnecting. */
  attempt?: number
  /** Epoch ms of the next reconnect try. */
  nextRetryAt?: number
  /** Epoch ms when the state last changed. */
  since: number
}

/** A chartable series: one field of one topic on one connection. */
export interface SeriesDef {
  id: number
  connection: string
  topic: string
  field: string
  unit: string
}

export interface SeriesData {
  id: number
  t: Float64Array
  v: Float64Array
}

export interface TopicStat {
  connection: string
  topic: string
  messages: number
  errors: number
  lastError?: string
  format?: string
}

/**
 * New points, series after series: series `ids[k]` has `counts[k]` points, the next ones in
 * `t` and `v`. Four arrays for a whole batch: points on 100,000 series cost no object each
 * to encode, send or decode (helpers in batch-columns.ts).
 */
export interface PointRuns {
  ids: Float64Array
  counts: Float64Array
  t: Float64Array
  v: Float64Array
}

/**
 * Topic counters, a row per topic, as columns: a batch may carry thousands, and columns of
 * strings and numbers cost far less to encode and decode than an object per topic.
 */
export interface TopicStatRows {
  connection: string[]
  topic: string[]
  messages: Float64Array
  errors: Float64Array
  /** null where there is none. */
  lastError: (string | null)[]
  format: (string | null)[]
}

/** Pushed at most every ~50 ms with everything captured since the previous one. */
export interface CaptureBatch {
  defs: SeriesDef[]
  points: PointRuns
  topics: TopicStatRows
}

export interface HistorySnapshot {
  defs: SeriesDef[]
  series: SeriesData[]
  topics: TopicStat[]
}

export interface ProfileView extends Profile {
  hasPassword: boolean
  hasPassphrase: boolean
}

export interface SettingsView extends Omit<Settings, 'profiles'> {
  profiles: ProfileView[]
}

export interface AppInfo {
  mode: 'desktop' | 'serve'
  version: string
  readOnly: boolean
  demoProfileId: string | null
  dataDir: string
  /** How file paths are chosen in Settings: a native dialog or typed paths. */
  filePicker: 'dialog' | 'path'
  /** Where secrets are kept, in words ("encrypted by the OS keychain", ...). */
  secretStorage: string
  /**
   * Secrets cannot be encrypted here (Linux without a keyring): one is kept in memory until
   * the app quits, and only when the save says the user agreed (`sessionOnly: true`).
   */
  sessionOnlySecrets: boolean
  /** Problems met while starting (damaged settings, a torn journal) to show once. */
  notices: Notice[]
}

export interface ExportProgress {
  exportId: string
  rows: number
  bytesWritten: number
  /** 0..1, by journal bytes read. */
  fraction: number
}

export interface ExportResult {
  exportId: string
  status: 'done' | 'cancelled'
  rows: number
  bytes: number
  fileName: string
  /** Damaged bytes of the capture that were skipped (a notice says where). */
  skippedBytes?: number
  /** Serve mode: where the browser fetches the finished file. */
  downloadUrl?: string
}

/** A capture decoded again: messages read, decoded from payloads, failing now, kept as were. */
export interface RedecodeResult {
  captureId: string
  messages: number
  decoded: number
  failed: number
  kept: number
}

export interface CaptureProgress {
  captureId: string
  /** 0..1 of the capture's bytes read. */
  fraction: number
}

export interface CaptureInfo {
  id: string
  startedAt: number
  endedAt: number | null
  messages: number
  bytes: number
  active: boolean
  /** Topics and fields it holds (for choosing what to export). */
  topics: string[]
  fields: { name: string; unit: string }[]
}

/** A capture as a list shows it: without the names of everything in it. */
export type CaptureSummary = Omit<CaptureInfo, 'topics' | 'fields'>

export interface Notice {
  level: 'info' | 'warning' | 'error'
  message: string
}

/** What the desktop menu (and its keyboard shortcuts) asks the UI to do. */
export type AppCommandName = 'connect' | 'disconnect' | 'export' | 'settings' | 'pause'
export interface AppCommand {
  command: AppCommandName
}

export interface PickFileResult {
  path: string | null
}

/** A .proto file checked from the settings form: its message types, or what is wrong. */
export type ProtoCheck = { ok: true; types: string[] } | { ok: false; message: string }

/** Before connecting: a reason to ask first (another live profile uses the same client ID). */
export interface ConnectCheck {
  warning: string | null
}

/** The desktop app's update check (electron-updater), as the settings show it. */
export interface UpdateStatus {
  /** off: the user has not turned checks on, and no request is ever made. */
  state: 'off' | 'unsupported' | 'checking' | 'current' | 'downloading' | 'ready' | 'error'
  /** The newer version, once one is found. */
  version?: string
  /** What is new in it, as plain text (release notes are never shown as markup). */
  notes?: string
  /** 0..100 while downloading. */
  percent?: number
  /** Plain words for unsupported and error. */
  message?: string
}
