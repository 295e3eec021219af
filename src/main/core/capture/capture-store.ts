import * as fs from 'node:fs'
import * as path from 'node:path'
import { statRows } from '../../../shared/batch-columns'
import type {
  CaptureInfo,
  CaptureSummary,
  HistorySnapshot,
  Notice,
  TopicStatRows
} from '../../../shared/types'
import type { DecodedRow } from '../decode'
import { Batcher } from './batcher'
import {
  captureInfo,
  captureSummary,
  describeDamage,
  writeIndex,
  loadCatalog,
  newCaptureId,
  writeMeta,
  type StoredCapture
} from './capture-catalog'
import {
  dropOldestParts,
  partRefs,
  type ActiveCapture,
  type JournalPartRef,
  type PartDamage,
  type RetentionHold
} from './capture-parts'
import { CONTINUATION, PayloadKeeper } from './kept-payload'
import { loadRecentParts } from './history-load'
import { redecodeCapture, type DecodingFor, type RedecodeOutcome } from './redecode'
import { recentMessages, type KeptMessage } from './recent-messages'
import { AppError } from '../../../shared/contract'
import { JournalWriter, type PartIndex } from './journal-writer'
import { SeriesRegistry, type TopicEntry } from './series-registry'
import { PointLog } from './point-log'

/** The chart points kept in memory by default. */
export const DEFAULT_RING_POINTS = 600_000

export interface CaptureStoreOptions {
  /** Folder holding one sub-folder per capture. */
  dir: string
  /** Oldest data is dropped beyond this many bytes on disk. Default 1 GB. */
  retentionBytes?: number
  /** Size at which a journal part is sealed and a new one begun. Default 64 MB. */
  partBytes?: number
  /**
   * Points kept in memory for the charts, all series together (the oldest point goes
   * first). Default 600,000: 12 MB in memory (a point is 20 bytes in the log).
   */
  ringPoints?: number
  /** How often buffered records are written to the journal. Default 200 ms. */
  flushMs?: number
  /** Bytes of each message's payload kept in the journal (0: none). Default 1 MB. */
  payloadBytes?: number
  notice?: (notice: Notice) => void
}

const NO_BYTES = new Uint8Array(0)

/**
 * Everything captured: the journal on disk (durable, the source for export) and the recent
 * points per series in memory (the source for charts). One capture is active at a time.
 */
export class CaptureStore {
  readonly registry: SeriesRegistry
  /** The recent points of every series, for the charts. */
  readonly points: PointLog
  readonly batcher: Batcher
  private captures: StoredCapture[] = []
  private active: ActiveCapture | null = null
  private flushTimer: ReturnType<typeof setInterval> | null = null
  private syncCounter = 0
  private retentionBytes: number
  private readonly payloads: PayloadKeeper
  private readonly partBytes: number
  private readonly notice: (notice: Notice) => void
  private closed = false
  private dirtyTopics: TopicEntry[] = []
  private hold: RetentionHold | null = null
  /** Captures being decoded again: retention leaves them alone until done. */
  private readonly busy = new Set<string>()

  private constructor(private readonly options: CaptureStoreOptions) {
    this.retentionBytes = options.retentionBytes ?? 1024 ** 3
    this.payloads = new PayloadKeeper(options.payloadBytes ?? 1024 * 1024)
    this.partBytes = options.partBytes ?? 64 * 1024 * 1024
    this.notice = options.notice ?? (() => {})
    this.points = new PointLog(options.ringPoints ?? DEFAULT_RING_POINTS)
    this.registry = new SeriesRegistry((def) => this.batcher.addDef(def))
    this.batcher = new Batcher(
      () => this.registry.allDefs(),
      () => this.drainTopics()
    )
  }

  static async open(options: CaptureStoreOptions): Promise<CaptureStore> {
    const store = new CaptureStore(options)
    store.captures = await loadCatalog(options.dir, (message) =>
      store.notice({ level: 'warning', message })
    )
    await store.loadHistory()
    const flushMs = options.flushMs ?? 200
    store.flushTimer = setInterval(() => store.tick(), flushMs)
    store.flushTimer.unref?.()
    return store
  }

  /** Seals the active capture (if any) and begins a new one. */
  startCapture(now = Date.now()): CaptureInfo {
    this.endCapture(now)
    const id = newCaptureId(now)
    const capture: StoredCapture = {
      meta: { id, startedAt: now, endedAt: null },
      dir: path.join(this.options.dir, id),
      parts: []
    }
    fs.mkdirSync(capture.dir, { recursive: true })
    writeMeta(capture)
    const writer = new JournalWriter(capture.dir, 1, {
      partBytes: this.partBytes,
      onWriteError: (message) =>
        this.notice(
          message
            ? { level: 'error', message }
            : { level: 'info', message: 'Capture is writing to disk again.' }
        )
    })
    this.captures.push(capture)
    this.active = { capture, writer }
    return captureInfo(capture, true, writer.currentPart)
  }

  get activeCaptureId(): string | null {
    return this.active?.capture.meta.id ?? null
  }

  /**
   * The hot path: one decoded row of a message of one topic, with the message's payload on its
   * first row (null on further rows). Returns why it was refused, if it was.
   */
  append(entry: TopicEntry, row: DecodedRow, payload: Uint8Array | null): string | undefined {
    const slot = this.registry.slot(entry, row.fields)
    if (typeof slot === 'string') return slot
    if (!this.active) this.startCapture()
    this.active!.writer.appendMessage(
      entry,
      slot,
      row.t,
      row.text,
      row.textStart,
      row.textEnd,
      payload === null ? CONTINUATION : this.payloads.keep(payload, row)
    )
    const values = row.values
    const t = row.t
    const { batcher, points } = this
    const series = slot.series
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      if (v !== v) continue // NaN: a missing value
      const id = series[i].id
      points.push(id, t, v)
      batcher.add(id, t, v)
    }
    return undefined
  }

  /** A message with no values (it did not decode, or its topic is only counted): its payload. */
  appendUndecoded(entry: TopicEntry, t: number, payload: Uint8Array): void {
    if (!this.active) this.startCapture()
    this.active!.writer.appendMessage(entry, null, t, NO_BYTES, 0, 0, this.payloads.keep(payload))
  }

  /** Every capture, newest first, with its topics and fields. */
  list(): CaptureInfo[] {
    return this.describe(captureInfo)
  }

  /** The same without topics and fields (cheap enough to poll). */
  summaries(): CaptureSummary[] {
    return this.describe(captureSummary)
  }

  private describe<T>(how: (c: StoredCapture, active: boolean, live?: PartIndex) => T): T[] {
    this.collectSealed()
    return this.captures
      .map((c) => {
        const live = this.active?.capture === c ? this.active.writer.currentPart : undefined
        return how(
          c,
          live !== undefined,
          live ? { ...live, bytes: this.active!.writer.flushedBytes } : undefined
        )
      })
      .reverse()
  }

  /** Changes the size limit and applies it at once (dropping oldest parts if needed). */
  setRetention(bytes: number): void {
    this.retentionBytes = bytes
    this.collectSealed()
    this.enforceRetention()
  }

  /** Keeps parts a reader still needs from retention (null: none). */
  setRetentionHold(hold: RetentionHold | null): void {
    this.hold = hold
  }

  delete(captureId: string): void {
    const capture = this.captures.find((c) => c.meta.id === captureId)
    if (!capture) throw new Error(`No capture ${captureId}`)
    if (this.active?.capture === capture) this.endCapture(Date.now())
    fs.rmSync(capture.dir, { recursive: true, force: true })
    this.captures = this.captures.filter((c) => c !== capture)
  }

  /** Journal parts to read for an export, oldest first; flushes so they are complete. */
  parts(captureIds?: readonly string[]): JournalPartRef[] {
    this.active?.writer.flush()
    this.collectSealed()
    return partRefs(this.captures, this.active, captureIds)
  }

  /**
   * A read found damage in a part it was told was whole (the disk changed it since): the part
   * is read record by record from now on, its count follows, and the user is told.
   */
  recordDamage(ref: JournalPartRef, damage: PartDamage): void {
    const capture = this.captures.find((c) => c.meta.id === ref.captureId)
    const part = capture?.parts.find((p) => p === ref.index)
    const message = describeDamage(ref.index.seq, damage.bytes, damage.messages)
    this.notice({ level: 'warning', message: `Capture ${ref.captureId}: ${message}` })
    if (!capture || !part) return // the part being written: nothing sealed to correct
    delete part.crc
    part.damaged = { regions: damage.regions, bytes: damage.bytes }
    part.messages = damage.messages
    try {
      writeIndex(capture, part)
    } catch {
      // The corrected index is kept in memory; the next start checks the part again.
    }
  }

  /**
   * Every series with its points in memory and every topic's counters; or, given `ids` (a chart
   * starting to show them: the page keeps points only for charted series), just those series
   * (unknown ids left out) and no counters.
   */
  snapshot(
    fromMs?: number,
    toMs?: number,
    maxPoints?: number,
    ids?: readonly number[]
  ): HistorySnapshot {
    const defs = ids
      ? [...new Set(ids)].flatMap((id) => this.registry.def(id) ?? [])
      : this.registry.allDefs()
    return {
      defs,
      series: defs.map((d) => ({
        id: d.id,
        ...this.points.copy(d.id, fromMs, toMs, maxPoints)
      })),
      topics: ids ? [] : this.registry.topicStats()
    }
  }

  /** Changes whenever every topic's entry is made anew (see SeriesRegistry.generation). */
  get topicGeneration(): number {
    return this.registry.generation
  }

  /** The topic's entry when it has been seen (nothing is made). */
  findTopic(connection: string, topic: string): TopicEntry | undefined {
    return this.registry.find(connection, topic)
  }

  topicFor(connection: string, topic: string, unitFor?: (field: string) => string): TopicEntry {
    return this.registry.topic(connection, topic, unitFor)
  }

  /** Counts a message on a topic and tells the UI about errors (rate-limited by batching). */
  countMessage(entry: TopicEntry, format: string, error?: string): void {
    entry.messages++
    if (error !== undefined) {
      entry.errors++
      entry.lastError = error
    }
    if (entry.format !== format) entry.format = format
    if (!entry.dirty) {
      entry.dirty = true
      this.dirtyTopics.push(entry)
      this.batcher.touch()
    }
  }

  private drainTopics(): TopicStatRows {
    const dirty = this.dirtyTopics
    for (const e of dirty) e.dirty = false
    this.dirtyTopics = []
    // An entry carries a topic's counters under their TopicStat names.
    return statRows(dirty)
  }

  flush(): void {
    this.active?.writer.flush()
    if (this.collectSealed() > 0) this.enforceRetention()
    this.batcher.flush()
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.flushTimer) clearInterval(this.flushTimer)
    this.endCapture(Date.now())
    this.batcher.dispose()
  }

  private endCapture(now: number): void {
    if (!this.active) return
    const { capture, writer } = this.active
    this.active = null
    capture.parts.push(...writer.close())
    capture.meta = { ...capture.meta, endedAt: now }
    writeMeta(capture)
  }

  private tick(): void {
    const writer = this.active?.writer
    if (!writer) return
    // fsync about once a second: a power cut loses at most the last second.
    if (++this.syncCounter % 5 === 0) writer.sync()
    else writer.flush()
    if (this.collectSealed() > 0) this.enforceRetention()
  }

  /** Moves parts the writer sealed into the capture's list; returns how many. */
  private collectSealed(): number {
    if (!this.active) return 0
    const sealed = this.active.writer.takeSealed()
    this.active.capture.parts.push(...sealed)
    return sealed.length
  }

  /** Drops the oldest parts beyond the size limit, up to the first one a hold keeps. */
  enforceRetention(): void {
    const { captures, dropped } = dropOldestParts(
      this.captures,
      this.active,
      this.retentionBytes,
      this.busy,
      this.hold
    )
    this.captures = captures
    if (dropped > 0) {
      const mb = (dropped / 1048576).toFixed(0)
      const limit = (this.retentionBytes / 1048576).toFixed(0)
      this.notice({
        level: 'info',
        message: `Dropped ${mb} MB of the oldest captured data to stay within the ${limit} MB limit.`
      })
    }
  }

  /** The newest kept messages of a topic, from the journal (see recent-messages.ts). */
  recentMessages(connection: string, topic: string, limit: number): Promise<KeptMessage[]> {
    return recentMessages(this.parts(), connection, topic, limit)
  }

  /**
   * Decodes a capture again from its kept payloads with the rules topics have now (the
   * capture being written is ended first), then reloads the chart data from the journal.
   */
  async redecode(
    captureId: string,
    decodingFor: DecodingFor,
    onProgress?: (fraction: number) => void
  ): Promise<RedecodeOutcome> {
    const capture = this.captures.find((c) => c.meta.id === captureId)
    if (!capture) throw new AppError('not-found', 'That capture no longer exists.')
    if (this.busy.has(captureId))
      throw new AppError('busy', 'This capture is already being decoded again.')
    // Its parts are written anew: the database store's position in them would mean nothing.
    if (this.hold?.keeps(captureId, Number.MAX_SAFE_INTEGER))
      throw new AppError(
        'busy',
        'This capture is not all in the database yet: decode it again once the database store has caught up with it (or turn the store off first).'
      )
    if (this.active?.capture === capture) this.startCapture()
    this.busy.add(captureId)
    try {
      const { parts, outcome } = await redecodeCapture(
        capture,
        this.parts([captureId]),
        decodingFor,
        {
          partBytes: this.partBytes,
          onProgress
        }
      )
      capture.parts = parts
      await this.reloadHistory()
      return outcome
    } finally {
      this.busy.delete(captureId)
    }
  }

  /**
   * Forgets the chart data and series in memory and refills them from the journal: after a
   * capture was decoded again. Windows reload their snapshot (MonitorCore tells them).
   */
  async reloadHistory(): Promise<void> {
    this.flush()
    this.registry.clear()
    this.points.clear()
    this.dirtyTopics = []
    this.batcher.restart()
    await this.loadHistory()
  }

  /** Refills the in-memory points from the newest parts so charts show earlier data at once. */
  private async loadHistory(): Promise<void> {
    await loadRecentParts(
      this.captures,
      this.registry,
      this.points,
      this.points.capacity * 2,
      (ref, damage) => this.recordDamage(ref, damage)
    )
  }
}
