import * as fs from 'node:fs'
import type { JournalPartRef } from '../capture/capture-store'
import { CHUNK, PORCH, RecordChunks } from '../capture/record-chunks'
import { columnName, csvLine, UTF8_BOM } from './csv-text'
import { planExport, type ExportFilter } from './export-plan'
import { ringBuffer, ringWrites } from './ring-writes'
import { RowFormatter } from './row-formatter'
import { FormatKernel } from './wasm/format-kernel'

/**
 * Output is written in 1 MB blocks at 1 MB file offsets, up to four in flight: page-cache
 * writes aligned so are ~10% cheaper here than the same bytes at odd offsets.
 */
const BLOCK = 1024 * 1024
const OUT_BUFFERS = 4
/** Room past the block for the row that crosses it (carried into the next buffer). */
const RESERVE = 64 * 1024
const OUT_BUFFER = BLOCK + RESERVE
/** The kernel goes a row or two past the block's end: those bytes go on in the next buffer. */
const KERNEL_LIMIT = BLOCK + 256
const PROGRESS_EVERY_MS = 100
/** Longest stretch without giving the event loop a turn (IPC, progress, cancel): a frame. */
const YIELD_EVERY_MS = 16

export interface ExportOptions extends ExportFilter {
  format: 'wide' | 'long'
  /** 'js' skips the WebAssembly formatter (tests compare the two). Default 'auto'. */
  engine?: 'auto' | 'js'
}

export interface ExportHooks {
  onProgress?(progress: { rows: number; bytesWritten: number; fraction: number }): void
  isCancelled?(): boolean
}

export interface ExportOutcome {
  status: 'done' | 'cancelled'
  rows: number
  bytes: number
  /** Rows formatted by the WebAssembly kernel (the rest by JavaScript). */
  kernelRows: number
}

/**
 * Streams the selected journal parts into a CSV file: wide (one row per message, a column
 * per field) or long (one row per value). Memory stays flat: one 1.25 MB read buffer and
 * four 1.06 MB output buffers, whatever the size. Writing overlaps formatting: each full
 * buffer goes to a writer thread (ring-writes.ts) while this thread reads (from the page
 * cache, synchronously) and formats the next. The file is written as `<target>.partial`
 * and renamed when complete, so a cancel or a failure never leaves a half file under the
 * chosen name.
 */
export async function exportCsv(
  parts: readonly JournalPartRef[],
  target: string,
  options: ExportOptions,
  hooks: ExportHooks = {}
): Promise<ExportOutcome> {
  const plan = planExport(parts, options)
  const header =
    options.format === 'wide'
      ? [...leading(plan.withConnection), ...plan.columns.map((c) => columnName(c.field, c.unit))]
      : [...leading(plan.withConnection), 'field', 'unit', 'value']
  const partial = `${target}.partial`
  const fd = fs.openSync(partial, 'w')
  // Wide rows of consecutive columns (the common case) go through WebAssembly; everything
  // else through the JavaScript formatter, which also reads definitions and tells the kernel.
  const kernel =
    options.format === 'wide' && options.engine !== 'js'
      ? FormatKernel.acquire(PORCH + CHUNK + OUT_BUFFERS * OUT_BUFFER + 1024)
      : null
  const formatter = new RowFormatter(
    {
      format: options.format,
      withConnection: plan.withConnection,
      columns: new Map(plan.columns.map((c, i) => [c.field, i])),
      ncols: plan.columns.length,
      fromMs: options.fromMs ?? -Infinity,
      toMs: options.toMs ?? Infinity,
      topics: options.topics ? new Set(options.topics) : null,
      onTopic: kernel ? (id, tail) => kernel.setTopic(id, tail) : undefined,
      onFieldSet: kernel
        ? (id, block, trailing) => kernel.setFieldSet(id, block, trailing)
        : undefined
    },
    OUT_BUFFER
  )
  const readBuffer = kernel?.region(PORCH + CHUNK)
  const ring: Uint8Array[] = Array.from({ length: OUT_BUFFERS }, () =>
    kernel ? kernel.region(OUT_BUFFER) : ringBuffer(OUT_BUFFER)
  )
  const writer = ringWrites(fd, ring, kernel?.memory)
  let current = 0
  formatter.out = ring[0]
  const totalBytes = parts.reduce((n, p) => n + p.bytes, 0) || 1
  const from = options.fromMs ?? -Infinity
  const to = options.toMs ?? Infinity
  let doneBytes = 0
  let lastProgress = 0
  let lastYield = performance.now()
  let cancelled = false
  let kernelRows = 0

  const headerBytes = Buffer.from(UTF8_BOM + csvLine(header), 'utf8')
  formatter.out.set(headerBytes, 0)
  formatter.at = headerBytes.length

  /**
   * Hands the filled buffer to the writes, up to the next 1 MB file offset, and continues in
   * the next buffer of the ring with the bytes past it (a row or two).
   */
  const swap = async (final = false): Promise<void> => {
    const filled = formatter.out
    const at = formatter.at
    let length = at
    if (filled !== ring[current]) {
      // A larger buffer the formatter made for one huge row: written whole.
      writer.submit(0)
      writer.submitExtra(filled, at)
    } else {
      const aligned = Math.floor((writer.position + at) / BLOCK) * BLOCK - writer.position
      if (!final && aligned > 0) length = aligned
      writer.submit(length)
    }
    current = (current + 1) % OUT_BUFFERS
    await writer.free(current) // written out before it is filled again
    formatter.out = ring[current]
    formatter.at = at - length
    if (length < at) formatter.out.set(filled.subarray(length, at), 0)
  }
  const progress = (partDone: number, force = false): void => {
    const now = Date.now()
    if (!force && now - lastProgress < PROGRESS_EVERY_MS) return
    lastProgress = now
    hooks.onProgress?.({
      rows: formatter.rows,
      bytesWritten: writer.position + formatter.at,
      fraction: Math.min(1, (doneBytes + partDone) / totalBytes)
    })
  }

  try {
    for (const part of parts) {
      formatter.resetDefinitions()
      kernel?.reset()
      const reader = new RecordChunks(
        part.file,
        part.limit,
        readBuffer,
        undefined,
        kernel ? (buf, p, end, max) => kernel.scanRecords(buf, p, end, max) : undefined
      )
      try {
        for (let chunk = reader.next(); chunk && !cancelled; chunk = reader.next()) {
          let p = chunk.start
          const fast = kernel !== null && kernel.owns(chunk.buf)
          while (p < chunk.end) {
            if (fast && kernel.owns(formatter.out)) {
              const r = kernel.formatWide(
                chunk.buf,
                p,
                chunk.end,
                formatter.out as Buffer,
                formatter.at,
                KERNEL_LIMIT,
                from,
                to
              )
              formatter.at = r.at
              formatter.rows += r.rows
              kernelRows += r.rows
              p = r.p
              if (p >= chunk.end) break
            }
            // The kernel stopped at a record it leaves to us, or at a full buffer (or there is
            // no kernel): take one record, or the rest of the run.
            const q = formatter.format(
              chunk.buf,
              chunk.view,
              p,
              chunk.end,
              RESERVE,
              fast ? p + 1 : chunk.end
            )
            if (q === p || formatter.at >= BLOCK) await swap()
            p = q
          }
          progress(chunk.consumed)
          // Reads do not wait for the event loop, so give it a turn now and then even when
          // few rows are written (a narrow time range over a long capture).
          if (performance.now() - lastYield > YIELD_EVERY_MS) {
            await new Promise((resolve) => setImmediate(resolve))
            lastYield = performance.now()
          }
          cancelled = hooks.isCancelled?.() === true
        }
      } finally {
        reader.close()
      }
      if (cancelled) break
      doneBytes += part.bytes
    }
    if (!cancelled) {
      // No fsync: the captured data is durable in the journal, and an export lost to a power
      // cut right after it finished is simply exported again (cp does not sync either).
      await swap(true)
    }
    await writer.finish()
  } catch (error) {
    await writer.finish().catch(() => undefined)
    kernel?.release()
    fs.closeSync(fd)
    fs.rmSync(partial, { force: true })
    throw error
  }
  kernel?.release()
  fs.closeSync(fd)
  const rows = formatter.rows
  const bytes = writer.position
  if (cancelled) {
    fs.rmSync(partial, { force: true })
    return { status: 'cancelled', rows, bytes, kernelRows }
  }
  fs.renameSync(partial, target)
  hooks.onProgress?.({ rows, bytesWritten: bytes, fraction: 1 })
  return { status: 'done', rows, bytes, kernelRows }
}

function leading(withConnection: boolean): string[] {
  return ['time', 'epoch_ms', ...(withConnection ? ['connection'] : []), 'topic']
}
