// What the store writer and the history views need from a database. PostgreSQL implements it
// (pg-store.ts); another database (MongoDB, say) would implement the same two interfaces.
import type {
  HistoryResult,
  StoreExportRequest,
  StoreSeries,
  StoreTestResult
} from '../../../shared/store-types'
import type { JournalPosition, ReadingBatch } from './journal-batch'

export interface WriteResult {
  stored: number
  /** Readings the database refused; each kept in its dead letters with the reason. */
  rejected: number
}

export interface WriteOptions {
  /**
   * The commit must be on the database's disk before write returns: the position leaves a
   * part, so retention may delete it. Other commits may be lost in a crash of the database,
   * readings and position together, and are sent again from the journal.
   */
  durable: boolean
  /** Called once the batch is on its way, while the database works on it. */
  onSent?(): void
}

/** The database's position of a source is not where this writer started from. */
export class PositionMovedError extends Error {
  constructor() {
    super('The stored position of this source moved under the writer (another writer?).')
  }
}

/** One writing session (one connection). Any failure ends it; the writer opens another. */
export interface StoreSession {
  readonly layout: 'hypertable' | 'partitions'
  /** The committed position of a source; null before its first batch. */
  position(source: string): Promise<JournalPosition | null>
  /** Database ids of series, made for those the database does not have yet. */
  seriesIds(series: readonly StoreSeries[]): Promise<Int32Array>
  /**
   * Writes the batch and moves the source's position from `from` to `batch.end`, in one
   * transaction: both happen or neither does. Rows the database refuses go to the dead
   * letters in the same transaction. Throws PositionMovedError when the stored position is
   * not `from`.
   */
  write(
    source: string,
    from: JournalPosition | null,
    batch: ReadingBatch,
    seriesIds: Int32Array,
    options: WriteOptions
  ): Promise<WriteResult>
  close(): Promise<void>
}

export interface ExportHooks {
  onProgress(progress: { rows: number; bytesWritten: number; fraction: number }): void
  isCancelled(): boolean
}

export interface StoreBackend {
  openSession(): Promise<StoreSession>
  /** Connects once and says what the store would do there, or what is wrong. */
  test(): Promise<StoreTestResult>
  series(): Promise<StoreSeries[]>
  history(req: {
    series: { connection: string; topic: string; field: string }[]
    fromMs: number
    toMs: number
    buckets: number
  }): Promise<HistoryResult>
  exportCsv(
    req: StoreExportRequest,
    file: string,
    hooks: ExportHooks
  ): Promise<{ status: 'done' | 'cancelled'; rows: number; bytes: number }>
  /** Plain words for an error this backend threw. */
  describe(error: unknown): string
  /** The settings cannot work (retrying will not help until they change). */
  isConfigError(error: unknown): boolean
  close(): Promise<void>
}
