import * as fs from 'node:fs'
import { promisify } from 'node:util'
import type { JournalPartRef, PartDamage } from '../capture/capture-parts'
import { RecordChunks } from '../capture/record-chunks'
import { writeWhole, type ExportOutcomeBase } from '../export-jobs'
import { csvLine, UTF8_BOM } from './csv-text'
import { planExport, type ExportFilter } from './export-plan'
import { ROW_RESERVE, RowFormatter, type FormatOptions } from './row-formatter'
import { KernelFormatter } from './wasm/format-kernel'

const writeAsync = promisify(fs.write)
/** Output is written in pieces of about this size. */
const BLOCK = 1024 * 1024
const PROGRESS_EVERY_MS = 100
/** Longest stretch without giving the event loop a turn (IPC, progress, cancel): a frame. */
const YIELD_EVERY_MS = 16

export interface ExportOptions extends ExportFilter {
  format: 'wide' | 'long'
  /** 'js' skips the WebAssembly formatter (tests compare the two). Default 'auto'. */
  engine?: 'auto' | 'js'
  /** Wide rows add the message's payload (text, or base64) and its encoding. */
  payload?: boolean
}

export interface ExportHooks {
  onProgress?(progress: { rows: number; bytesWritten: number; fraction: number }): void
  isCancelled?(): boolean
  /** A part was damaged: what was skipped, and the whole messages kept. */
  onDamage?(part: JournalPartRef, damage: PartDamage): void
}

export interface ExportOutcome extends ExportOutcomeBase {
  /** Rows formatted by the WebAssembly kernel (the rest by JavaScript). */
  kernelRows: number
  /** Damaged bytes skipped over all parts (each part reported through onDamage). */
  skippedBytes: number
}

/**
 * Streams the selected journal parts into a CSV file: wide (one row per message, a column
 * per field) or long (one row per value), in flat memory: one read buffer and two output
 * buffers, one written (a plain file write, one at a time) while the other is filled.
 * Nothing damaged is exported as data: a part whose CRC does not match is taken back and read
 * again record by record, skipping the damage.
 */
export async function exportCsv(
  parts: readonly JournalPartRef[],
  target: string,
  options: ExportOptions,
  hooks: ExportHooks = {}
): Promise<ExportOutcome> {
  const plan = planExport(parts, options)
  const wide = options.format === 'wide'
  const payload = options.payload === true && wide
  const leading = ['time', 'epoch_ms', ...(plan.withConnection ? ['connection'] : []), 'topic']
  const header = wide
    ? [
        ...leading,
        ...plan.columns.map((c) => (c.unit ? `${c.field} (${c.unit})` : c.field)), // pressure (hPa)
        ...(payload ? ['payload', 'payload_encoding'] : [])
      ]
    : [...leading, 'field', 'unit', 'value']
  const formatOptions: FormatOptions = {
    format: options.format,
    withConnection: plan.withConnection,
    columns: new Map(plan.columns.map((c, i) => [c.field, i])),
    ncols: plan.columns.length,
    fromMs: options.fromMs ?? -Infinity,
    toMs: options.toMs ?? Infinity,
    topics: options.topics ? new Set(options.topics) : null,
    payload
  }
  // The WebAssembly kernel for plain wide rows where it runs, else JavaScript: the same bytes.
  const kernel = wide && !payload && options.engine !== 'js'
  const formatter =
    (kernel && KernelFormatter.create(formatOptions, BLOCK + ROW_RESERVE)) ||
    new RowFormatter(formatOptions, BLOCK + ROW_RESERVE)
  try {
    const result = await writeWhole(target, async (partial) => {
      const fd = fs.openSync(partial, 'w')
      try {
        const head = Buffer.from(UTF8_BOM + csvLine(header), 'utf8')
        formatter.out.set(head)
        formatter.at = head.length
        const run = new ExportRun(fd, formatter, parts, hooks)
        return { status: await run.all(), written: run.written, skippedBytes: run.skippedBytes }
      } finally {
        fs.closeSync(fd)
      }
    })
    const { status, written: bytes, skippedBytes } = result
    const { rows, kernelRows } = formatter
    if (status === 'done') hooks.onProgress?.({ rows, bytesWritten: bytes, fraction: 1 })
    return { status, rows, bytes, kernelRows, skippedBytes }
  } finally {
    formatter.release()
  }
}

/** One export's reading, formatting and writing. */
class ExportRun {
  /** Bytes in the file so far, counting the write in flight. */
  written = 0
  private inFlight: Promise<void> = Promise.resolve()
  skippedBytes = 0
  private readonly totalBytes: number
  private doneBytes = 0
  private lastProgress = 0
  private lastYield = performance.now()

  constructor(
    private readonly fd: number,
    private readonly f: RowFormatter,
    private readonly parts: readonly JournalPartRef[],
    private readonly hooks: ExportHooks
  ) {
    this.totalBytes = parts.reduce((n, p) => n + p.bytes, 0) || 1
  }

  async all(): Promise<'done' | 'cancelled'> {
    try {
      for (const part of this.parts) {
        await this.flush() // all written before a part, so a damaged one can be cut off the end
        const mark = { written: this.written, rows: this.f.rows }
        let ok = await this.part(part, false)
        if (ok === 'damaged') {
          // Take back what the damaged read wrote, then read the part record by record.
          await this.inFlight
          fs.ftruncateSync(this.fd, mark.written)
          this.written = mark.written
          this.f.at = 0
          this.f.rows = mark.rows
          ok = await this.part(part, true)
        }
        if (ok === 'cancelled') return 'cancelled'
        this.doneBytes += part.bytes
      }
      await this.flush()
      await this.inFlight
      return 'done'
    } finally {
      // No write may outlive the file it writes to, whatever ended the export.
      await this.inFlight.catch(() => undefined)
    }
  }

  /** Formats one part; unchecked when its CRC is known (and 'damaged' if it then fails). */
  private async part(
    part: JournalPartRef,
    recheck: boolean
  ): Promise<'done' | 'cancelled' | 'damaged'> {
    const f = this.f
    const checked = recheck || part.crc === undefined
    f.startPart()
    const reader = new RecordChunks(part.file, {
      limit: part.limit,
      crc: checked ? undefined : part.crc,
      buffer: f.readBuffer
    })
    try {
      for (let chunk = reader.next(); chunk; chunk = reader.next()) {
        let p = chunk.start
        while (p < chunk.end) {
          p = f.formatRun(chunk, p, BLOCK)
          if (f.at >= BLOCK || p < chunk.end) await this.flush()
        }
        this.progress(chunk.consumed)
        if (performance.now() - this.lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve))
          this.lastYield = performance.now()
        }
        if (this.hooks.isCancelled?.()) return 'cancelled'
      }
    } catch (error) {
      // Garbage that passed as records can make no sense to the formatter: damage, unless
      // the part was already read record by record, or it is a write's error (with a code).
      if (checked || typeof (error as NodeJS.ErrnoException)?.code === 'string') throw error
      return 'damaged'
    } finally {
      reader.close()
    }
    if (!checked) return reader.intact ? 'done' : 'damaged'
    const { regions, bytes, tornAt } = reader.damage
    const skipped = bytes + (tornAt === null ? 0 : part.bytes - tornAt)
    if (skipped > 0 || recheck) {
      this.skippedBytes += skipped
      this.hooks.onDamage?.(part, { regions, bytes: skipped, messages: reader.messages })
    }
    return 'done'
  }

  /**
   * Writes the output buffer at the end of the file, at most one write in flight: the next
   * buffer is formatted while this one is written, and its own write waits for this one.
   */
  private async flush(): Promise<void> {
    const { f } = this
    const bytes = f.out.subarray(0, f.at)
    await this.inFlight // the other buffer is free again, and writes stay in order
    this.inFlight = writeAll(this.fd, bytes, this.written)
    // Its failure (a full disk) is thrown by the next await of it, not left unhandled.
    this.inFlight.catch(() => undefined)
    this.written += bytes.length
    f.drained()
  }

  private progress(partDone: number): void {
    const now = Date.now()
    if (now - this.lastProgress < PROGRESS_EVERY_MS) return
    this.lastProgress = now
    this.hooks.onProgress?.({
      rows: this.f.rows,
      bytesWritten: this.written + this.f.at,
      fraction: Math.min(1, (this.doneBytes + partDone) / this.totalBytes)
    })
  }
}

async function writeAll(fd: number, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await writeAsync(fd, bytes, done, bytes.length - done, position + done)
    done += bytesWritten
  }
}
