// Moves the capture journal into the database, batch by batch, from the source's committed
// position. Capture never waits for it: it only reads what the journal already holds. Every
// failure ends the session; the next one starts from the position the database has, so a
// batch is either wholly in or wholly not, and is never sent twice.
import type { JournalPartRef } from '../capture/capture-parts'
import type { StoreState, StoreStatus } from '../../../shared/store-types'
import {
  comparePart,
  journalLag,
  readBatch,
  type BatchRead,
  type JournalPosition,
  type ReadingBatch
} from './journal-batch'
import { PositionMovedError, type StoreBackend, type StoreSession } from './store-backend'

export const BACKOFF_START_MS = 1000
export const BACKOFF_CAP_MS = 30_000

export interface WriterOptions {
  source: string
  backend: StoreBackend
  /** The journal's parts, oldest first (flushed up to now). */
  parts(): JournalPartRef[]
  onStatus(status: StoreStatus): void
  /** Something the user should know once (damage skipped, a gap). */
  warn(message: string): void
  /** The committed position moved to a later part: retention may drop what is behind it. */
  onPartStored?(): void
  /** Readings per batch at most (a message is never split). Default 5,000. */
  maxRows?: number
  /** How long to wait for more when everything is stored. Default 1 s. */
  idleMs?: number
}

export class StoreWriter {
  /** The last position known committed; null until the database has told it. */
  position: JournalPosition | null = null
  /** True once the position has been read from the database (until then all is unstored). */
  positionKnown = false
  private session: StoreSession | null = null
  private running = false
  private loop: Promise<void> | null = null
  private wake: (() => void) | null = null
  private attempt = 0
  private readonly seriesIds = new Map<string, number>()
  private state: StoreStatus
  /** While stopping: steps are counted, and the drain ends with one begun after it started. */
  private steps = 0
  private drainAfter = Infinity
  private drained = false
  /** The next batch, read while the database worked on the one before. */
  private ahead: { from: JournalPosition; read: BatchRead } | null = null
  private lastEmit = 0
  private lastTold: StoreStatus
  /** A change held back by the rate limit: sent with the next update. */
  private unsent = false
  private readonly maxRows: number
  private readonly idleMs: number

  constructor(private readonly options: WriterOptions) {
    this.maxRows = options.maxRows ?? 5000
    this.idleMs = options.idleMs ?? 1000
    this.state = {
      state: 'connecting',
      lagRows: 0,
      lagSeconds: 0,
      storedRows: 0,
      deadLetters: 0,
      since: Date.now(),
      source: options.source
    }
    this.lastTold = this.state
  }

  get status(): StoreStatus {
    return this.state
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.loop = this.run()
  }

  /**
   * Stops. With `drainMs`, first writes what the journal holds (for at most that long), so a
   * clean shutdown leaves nothing behind that the database could have taken.
   */
  async stop(drainMs = 0): Promise<void> {
    if (!this.running) return
    if (drainMs > 0) {
      // Done once a step that began after this point has read the journal to its end.
      this.drainAfter = this.steps
      this.drained = false
      this.wake?.()
      const deadline = Date.now() + drainMs
      while (this.running && Date.now() < deadline && !this.drained) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    this.running = false
    this.wake?.()
    await this.loop
    await this.session?.close()
    this.session = null
  }

  /** Whether a part is still needed: not yet wholly in the database. */
  keeps(captureId: string, seq: number): boolean {
    if (!this.positionKnown) return true
    const p = this.position
    return !p || comparePart(captureId, seq, p.captureId, p.partSeq) >= 0
  }

  /** Recomputes the lag from the journal now (the database may be down: capture goes on). */
  refreshLag(): void {
    const lag = this.positionKnown
      ? journalLag(this.options.parts(), this.position)
      : journalLag(this.options.parts(), null)
    if (lag.rows === this.state.lagRows && lag.seconds === this.state.lagSeconds) return
    let state = this.state.state
    if (state === 'caught-up' && lag.rows > 0) state = 'writing'
    this.update(state, { lagRows: lag.rows, lagSeconds: lag.seconds })
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!this.session) await this.connect()
        const index = ++this.steps
        const atEnd = await this.step()
        this.attempt = 0
        if (atEnd && index > this.drainAfter) this.drained = true
        // A step with nothing to send awaits nothing real: sleep, so timers get their turn.
        if (atEnd) await this.sleep(this.drainAfter === Infinity ? this.idleMs : 20)
      } catch (error) {
        await this.failed(error)
      }
    }
  }

  private async connect(): Promise<void> {
    this.update('connecting', { message: undefined, nextRetryAt: undefined })
    const session = await this.options.backend.openSession()
    try {
      this.position = await session.position(this.options.source)
    } catch (error) {
      await session.close()
      throw error
    }
    this.positionKnown = true
    this.session = session
    this.state = { ...this.state, layout: session.layout }
  }

  /** Reads one batch and writes it; true when the journal was read to its end. */
  private async step(): Promise<boolean> {
    const session = this.session!
    const from = this.position
    const ahead = this.ahead
    this.ahead = null
    const read =
      ahead && from && samePosition(ahead.from, from)
        ? ahead.read
        : readBatch(this.options.parts(), from, this.maxRows)
    if (read.gap)
      this.options.warn(
        `Capture ${read.gap.captureId} part ${read.gap.seq} was deleted before all of it reached the database; storing goes on after it.`
      )
    for (const { ref, damage } of read.damaged)
      this.options.warn(
        `Capture ${ref.captureId} part ${ref.index.seq}: ${damage.bytes} damaged bytes were skipped; what they held cannot be stored.`
      )
    const { batch } = read
    const partChanged =
      !from || from.captureId !== batch.end.captureId || from.partSeq !== batch.end.partSeq
    const moved = partChanged || from!.offset !== batch.end.offset
    if (batch.length > 0 || (moved && batch.parts.length > 0)) {
      const ids = await this.idsFor(session, batch)
      const next = batch.end
      const result = await session.write(this.options.source, from, batch, ids, {
        durable: partChanged,
        // Behind: the next batch is read while the database works on this one.
        onSent: read.atEnd
          ? undefined
          : () => {
              this.ahead = { from: next, read: readBatch(this.options.parts(), next, this.maxRows) }
            }
      })
      this.position = batch.end
      // A new status, never the one last told changed in place: update() compares the two.
      this.state = {
        ...this.state,
        storedRows: this.state.storedRows + result.stored,
        deadLetters: this.state.deadLetters + result.rejected
      }
      if (result.rejected > 0)
        this.options.warn(
          `The database refused ${result.rejected} reading${result.rejected === 1 ? '' : 's'}; ${result.rejected === 1 ? 'it is' : 'they are'} kept in its dead_letters table with the reason.`
        )
      if (partChanged) this.options.onPartStored?.()
    }
    const lag = journalLag(this.options.parts(), this.position)
    const state: StoreState = read.atEnd && lag.rows === 0 ? 'caught-up' : 'writing'
    this.update(state, {
      lagRows: lag.rows,
      lagSeconds: lag.seconds,
      message: undefined,
      nextRetryAt: undefined
    })
    return read.atEnd
  }

  private async idsFor(session: StoreSession, batch: ReadingBatch): Promise<Int32Array> {
    const key = (s: { connection: string; topic: string; field: string }): string =>
      `${s.connection}\u0000${s.topic}\u0000${s.field}`
    const missing = batch.series.filter((s) => !this.seriesIds.has(key(s)))
    if (missing.length > 0) {
      const made = await session.seriesIds(missing)
      missing.forEach((s, i) => this.seriesIds.set(key(s), made[i]))
    }
    return Int32Array.from(batch.series, (s) => this.seriesIds.get(key(s))!)
  }

  private async failed(error: unknown): Promise<void> {
    const session = this.session
    this.session = null
    this.ahead = null
    await session?.close()
    if (!this.running) return
    const backend = this.options.backend
    if (error instanceof PositionMovedError)
      this.options.warn(
        `Another writer moved this installation's position in the database (source "${this.options.source}"); going on from where it is.`
      )
    if (backend.isConfigError(error)) {
      this.update('error', { message: backend.describe(error), nextRetryAt: undefined })
      await this.sleep(Infinity)
      return
    }
    this.attempt++
    const delay = backoffDelay(this.attempt)
    this.update('retrying', { message: backend.describe(error), nextRetryAt: Date.now() + delay })
    await this.sleep(delay)
  }

  private update(state: StoreState, extra: Partial<StoreStatus>): void {
    const before = this.state
    const changed = state !== before.state
    this.state = { ...before, ...extra, state, since: changed ? Date.now() : before.since }
    const told = changed || this.state.message !== before.message
    const last = this.lastTold
    const moved =
      this.state.lagRows !== last.lagRows ||
      this.state.storedRows !== last.storedRows ||
      this.state.deadLetters !== last.deadLetters ||
      this.state.lagSeconds !== last.lagSeconds
    // While writing, the lag changes with every batch: a few updates a second are enough.
    const now = Date.now()
    if (told || (moved && now - this.lastEmit >= 250) || this.unsent) {
      this.lastEmit = now
      this.lastTold = this.state
      this.unsent = false
      this.options.onStatus(this.state)
    } else if (moved) this.unsent = true
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (!this.running) return resolve()
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : null
      function done(): void {
        if (timer) clearTimeout(timer)
        resolve()
      }
      this.wake = () => {
        this.wake = null
        done()
      }
    })
  }
}

function samePosition(a: JournalPosition, b: JournalPosition): boolean {
  return a.captureId === b.captureId && a.partSeq === b.partSeq && a.offset === b.offset
}

/** 1 s doubling to 30 s, with jitter so several workers do not retry in step. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_CAP_MS, BACKOFF_START_MS * 2 ** Math.max(0, attempt - 1))
  return Math.round(base * (0.5 + random() * 0.5))
}
