// The database store as the app sees it: the writer for the current settings, the retention
// hold that keeps unstored journal parts, warnings when the disk fills while the database is
// away, and the history and export queries.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { AppError } from '../../../shared/contract'
import type { SecretInput, StoreSettings } from '../../../shared/schemas'
import type {
  HistoryRequest,
  HistoryResult,
  StoreExportRequest,
  StoreSeries,
  StoreStatus,
  StoreTestResult,
  StoreView
} from '../../../shared/store-types'
import type { ExportProgress, ExportResult, Notice } from '../../../shared/types'
import type { CaptureStore } from '../capture/capture-store'
import { ExportJobs, type ExportTargetResolver } from '../export-jobs'
import type { SettingsService } from '../settings/settings-service'
import { STORE_SECRET_ID } from '../settings/settings-service'
import { parseStoreUrl, StoreConfigError } from './pg-config'
import type { SessionHooks } from './pg-session'
import { PgStore } from './pg-store'
import type { StoreBackend } from './store-backend'
import { sourceName } from './store-source'
import { StoreWriter } from './store-writer'

/** The environment variable that gives the store's password (wins over the saved one). */
export const STORE_PASSWORD_ENV = 'MQTT_MONITOR_STORE_PASSWORD'
const LAG_EVERY_MS = 1000
const DISK_EVERY_MS = 30_000
/** Warn about the same thing at most this often. */
const WARN_EVERY_MS = 10 * 60_000
const DEFAULT_LOW_DISK_BYTES = 1024 ** 3

export interface StoreDeps {
  dataDir: string
  capture: () => CaptureStore
  settings: () => SettingsService
  exportTarget: ExportTargetResolver
  notify(notice: Notice): void
  emitStatus(status: StoreStatus): void
  emitProgress(progress: ExportProgress): void
  env?: NodeJS.ProcessEnv
  /** A capture worker's flags: settings, password and source for this run, never saved. */
  overrides?: { settings?: Partial<StoreSettings>; password?: string; source?: string }
  tuning?: {
    maxRows?: number
    idleMs?: number
    /** Warn when the captures' disk has less free space than this while the store lags. */
    lowDiskBytes?: number
    /** How often the free space is looked at while the database is away (default 30 s). */
    diskEveryMs?: number
    /** How long a clean shutdown waits for the database to take what is journaled. */
    drainMs?: number
    hooks?: SessionHooks
  }
}

export class StoreService {
  private knownSource: string | null = null
  private backend: PgStore | null = null
  private writer: StoreWriter | null = null
  private readonly timers: ReturnType<typeof setInterval>[] = []
  private readonly lastWarned = new Map<string, number>()
  private readonly exports = new ExportJobs()
  private closed = false

  constructor(private readonly deps: StoreDeps) {
    this.knownSource = deps.overrides?.source ?? null
  }

  /** Made (and saved in the data folder) when a writer first starts. */
  get source(): string {
    this.knownSource ??= sourceName(this.deps.dataDir)
    return this.knownSource
  }

  get settings(): StoreSettings {
    return { ...this.deps.settings().current.store, ...this.deps.overrides?.settings }
  }

  start(): void {
    this.timers.push(
      setInterval(() => this.writer?.refreshLag(), LAG_EVERY_MS),
      setInterval(() => this.checkDisk(), this.deps.tuning?.diskEveryMs ?? DISK_EVERY_MS)
    )
    for (const timer of this.timers) timer.unref?.()
    this.restart()
  }

  status(): StoreStatus {
    return (
      this.writer?.status ?? {
        state: 'off',
        lagRows: 0,
        lagSeconds: 0,
        storedRows: 0,
        deadLetters: 0,
        since: Date.now(),
        source: this.knownSource ?? ''
      }
    )
  }

  view(): StoreView {
    return {
      settings: this.settings,
      hasPassword: this.password() !== undefined,
      status: this.status()
    }
  }

  async save(settings: StoreSettings, password: SecretInput): Promise<StoreView> {
    if (settings.url) this.checkUrl(settings.url)
    this.deps.settings().saveStore(settings, password)
    await this.restart()
    return this.view()
  }

  /** Tries the given settings (the password as it would be saved) without saving them. */
  async test(settings: StoreSettings, password: SecretInput): Promise<StoreTestResult> {
    try {
      this.checkUrl(settings.url)
    } catch (error) {
      return { ok: false, message: (error as Error).message }
    }
    const given =
      password.action === 'set'
        ? password.value
        : password.action === 'clear'
          ? undefined
          : this.password()
    const store = new PgStore({
      connection: { settings, password: given },
      writerName: 'mqtt-monitor-test'
    })
    try {
      return await store.test()
    } catch (error) {
      return { ok: false, message: store.describe(error) }
    } finally {
      await store.close()
    }
  }

  /** The database's series; none while no database is set up. */
  async series(): Promise<StoreSeries[]> {
    if (!this.backend) return []
    return this.query((b) => b.series())
  }

  async history(req: HistoryRequest): Promise<HistoryResult> {
    return this.query((b) => b.history(req))
  }

  async exportCsv(req: StoreExportRequest, resolve: ExportTargetResolver): Promise<ExportResult> {
    return this.exports.run(req.exportId, 'mqtt-database', resolve, async (target, isCancelled) => {
      const outcome = await this.query((b) =>
        b.exportCsv(req, target.path, {
          isCancelled,
          onProgress: (p) => this.deps.emitProgress({ exportId: req.exportId, ...p })
        })
      )
      return { ...outcome, rows: Math.max(0, outcome.rows) }
    })
  }

  cancelExport(exportId: string): boolean {
    return this.exports.cancel(exportId)
  }

  /** Stops, first giving the database what the journal holds (a worker's clean shutdown). */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const timer of this.timers) clearInterval(timer)
    const drainMs = this.deps.tuning?.drainMs ?? 15_000
    await this.stopWriter(drainMs)
    await this.backend?.close()
    this.backend = null
    this.deps.capture().setRetentionHold(null)
  }

  private async restart(): Promise<void> {
    await this.stopWriter(0)
    await this.backend?.close()
    this.backend = null
    const settings = this.settings
    if (this.closed) return
    if (!settings.url) {
      this.deps.capture().setRetentionHold(null)
      this.deps.emitStatus(this.status())
      return
    }
    this.backend = new PgStore({
      connection: { settings, password: this.password() },
      writerName: `mqtt-monitor-writer ${this.source}`,
      hooks: this.deps.tuning?.hooks
    })
    if (!settings.enabled) {
      this.deps.capture().setRetentionHold(null)
      this.deps.emitStatus(this.status())
      return
    }
    const capture = this.deps.capture()
    const writer = new StoreWriter({
      source: this.source,
      backend: this.backend,
      parts: () => capture.parts(),
      onStatus: (status) => this.deps.emitStatus(status),
      warn: (message) => this.warn(message, message),
      onPartStored: () => capture.enforceRetention(),
      maxRows: this.deps.tuning?.maxRows,
      idleMs: this.deps.tuning?.idleMs
    })
    this.writer = writer
    capture.setRetentionHold({
      keeps: (captureId, seq) => writer.keeps(captureId, seq),
      over: (bytes, limit) =>
        this.warn(
          'retention',
          `The captures are ${mb(bytes)} over their ${mb(limit)} limit: readings not yet in the database are kept until it takes them${this.reason()}.`
        )
    })
    writer.start()
  }

  private async stopWriter(drainMs: number): Promise<void> {
    const writer = this.writer
    this.writer = null
    await writer?.stop(drainMs)
  }

  private password(): string | undefined {
    const env = this.deps.env ?? process.env
    return (
      env[STORE_PASSWORD_ENV] ??
      this.deps.overrides?.password ??
      this.deps.settings().secrets.get(STORE_SECRET_ID, 'password')
    )
  }

  private checkUrl(url: string): void {
    try {
      parseStoreUrl(url)
    } catch (error) {
      if (error instanceof StoreConfigError) throw new AppError('bad-request', error.message)
      throw error
    }
  }

  private async query<T>(run: (backend: StoreBackend) => Promise<T>): Promise<T> {
    const backend = this.backend
    if (!backend)
      throw new AppError(
        'store-off',
        'No database is set up: enter its URL under Database store, then Save.'
      )
    try {
      return await run(backend)
    } catch (error) {
      if (error instanceof AppError) throw error
      throw new AppError('store-failed', backend.describe(error))
    }
  }

  /** While the store lags and the database is away, the journal grows: say when disk runs low. */
  private checkDisk(): void {
    const status = this.writer?.status
    if (!status || status.lagRows === 0 || status.state !== 'retrying') return
    let free: number
    try {
      const stats = fs.statfsSync(path.join(this.deps.dataDir))
      free = stats.bavail * stats.bsize
    } catch {
      return
    }
    const low = this.deps.tuning?.lowDiskBytes ?? DEFAULT_LOW_DISK_BYTES
    if (free >= low) return
    this.warn(
      'disk',
      `The disk holding the captures has ${mb(free)} free and the database cannot be reached${this.reason()}: ${status.lagRows.toLocaleString('en-US')} journaled messages wait for it. Capture goes on until the disk is full.`
    )
  }

  private reason(): string {
    const message = this.writer?.status.message
    return message ? ` (${message.replace(/\.$/, '')})` : ''
  }

  private warn(key: string, message: string): void {
    const now = Date.now()
    if (now - (this.lastWarned.get(key) ?? -Infinity) < WARN_EVERY_MS) return
    this.lastWarned.set(key, now)
    this.deps.notify({ level: 'warning', message })
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1048576).toLocaleString('en-US', { maximumFractionDigits: 0 })} MB`
}
