// The database store: what its settings form, its status line, the history chart and the
// export from the database exchange with the core.
import { z } from 'zod'
import { secretInputSchema, storeSettingsSchema, type StoreSettings } from './schemas'

/**
 * off: no store configured (or turned off). connecting: opening a session. writing: behind
 * and sending batches. caught-up: everything journaled is in the database. retrying: the
 * database cannot be reached or refused the session; capture goes on and the lag grows.
 * error: the settings themselves are unusable (fix them; nothing is retried until then).
 */
export type StoreState = 'off' | 'connecting' | 'writing' | 'caught-up' | 'retrying' | 'error'

export interface StoreStatus {
  state: StoreState
  /** Plain words: why it is retrying or in error, or what it is doing. */
  message?: string
  /** Journal rows (messages) captured here and not yet in the database. */
  lagRows: number
  /** How far the newest unstored row is ahead of the last stored one, in seconds of data. */
  lagSeconds: number
  /** Readings written by this run. */
  storedRows: number
  /** Readings the database refused in this run (each kept in the dead-letter table). */
  deadLetters: number
  /** While retrying: epoch ms of the next try. */
  nextRetryAt?: number
  /** Epoch ms when the state last changed. */
  since: number
  /** This installation's name in the database's offset table. */
  source: string
  /** How the readings table is laid out in this database, once known. */
  layout?: 'hypertable' | 'partitions'
}

export interface StoreView {
  settings: StoreSettings
  hasPassword: boolean
  status: StoreStatus
}

export interface StoreTestResult {
  ok: boolean
  /** Plain words either way: the server and what the store would do, or what is wrong. */
  message: string
}

/** A series as the database names it: one field of one topic on one connection. */
export const seriesKeySchema = z.object({
  connection: z.string().max(200),
  topic: z.string().max(65535),
  field: z.string().max(1000)
})
export type SeriesKey = z.infer<typeof seriesKeySchema>

export interface StoreSeries extends SeriesKey {
  unit: string
}

export const storeSaveSchema = z.object({
  settings: storeSettingsSchema,
  password: secretInputSchema.default({ action: 'keep' })
})
export type StoreSaveInput = z.input<typeof storeSaveSchema>

/** At most this many buckets per series in one history answer (a very wide screen). */
export const MAX_HISTORY_BUCKETS = 10_000

export const historyRequestSchema = z
  .object({
    series: z.array(seriesKeySchema).min(1).max(50),
    fromMs: z.number().finite(),
    toMs: z.number().finite(),
    buckets: z.number().int().min(1).max(MAX_HISTORY_BUCKETS)
  })
  .refine((r) => r.toMs > r.fromMs, { message: 'the end of the range must be after its start' })
export type HistoryRequest = z.input<typeof historyRequestSchema>

/** One series over a range: per bucket its start, min, max, mean and count (empty ones left out). */
export interface HistorySeries extends SeriesKey {
  unit: string
  t: Float64Array
  min: Float64Array
  max: Float64Array
  mean: Float64Array
  count: Float64Array
}

export interface HistoryResult {
  /** The buckets actually used: they may start a little before fromMs (see bucketMs). */
  fromMs: number
  toMs: number
  bucketMs: number
  /** raw: computed from the readings; summaries: from the 10-minute summaries. */
  from: 'raw' | 'summaries'
  series: HistorySeries[]
}

export const storeExportSchema = z
  .object({
    exportId: z.string().min(1).max(100),
    series: z.array(seriesKeySchema).min(1).max(10_000),
    fromMs: z.number().finite(),
    toMs: z.number().finite()
  })
  .refine((r) => r.toMs > r.fromMs, { message: 'the end of the range must be after its start' })
export type StoreExportRequest = z.input<typeof storeExportSchema>
