import * as fs from 'node:fs'
import type { JournalPartRef } from '../capture/capture-store'
import { recordChunks } from '../capture/record-chunks'
import { columnName, csvLine, UTF8_BOM } from './csv-text'
import { planExport, type ExportFilter } from './export-plan'
import { RowFormatter } from './row-formatter'

const OUT_BUFFER = 8 * 1024 * 1024
/** Kept free at the end of the output buffer: a normal row always fits. */
const RESERVE = 64 * 1024
const PROGRESS_EVERY_MS = 100
const SLICE = 1024 * 1024

export interface ExportOptions extends ExportFilter {
  format: 'wide' | 'long'
}

export interface ExportHooks {
  onProgress?(progress: { rows: number; bytesWritten: number; fraction: number }): void
  isCancelled?(): boolean
}

export interface ExportOutcome {
  status: 'done' | 'cancelled'
  rows: number
  bytes: number
}

/**
 * Streams the selected journal parts into a CSV file: wide (one row per message, a column
 * per field) or long (one row per value). Memory stays flat: two 8 MB read buffers and two
 * 8 MB output buffers, whatever the size. Reading, formatting and writing overlap: the next
 * chunk is read and the previous output written on the thread pool while this thread
 * formats. The file is written as `<target>.partial` and renamed when complete, so a cancel
 * or a failure never leaves a half file under the chosen name.
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
  const handle = await fs.promises.open(partial, 'w')
  const formatter = new RowFormatter(
    {
      format: options.format,
      withConnection: plan.withConnection,
      columns: new Map(plan.columns.map((c, i) => [c.field, i])),
      ncols: plan.columns.length,
      fromMs: options.fromMs ?? -Infinity,
      toMs: options.toMs ?? Infinity,
      topics: options.topics ? new Set(options.topics) : null
    },
    OUT_BUFFER
  )
  // Two output buffers: one is written on the thread pool while the other fills.
  const buffers = [formatter.out, new Uint8Array(OUT_BUFFER)]
  let current = 0
  let writing: Promise<unknown> = Promise.resolve()
  let bytesWritten = 0
  const totalBytes = parts.reduce((n, p) => n + p.bytes, 0) || 1
  let doneBytes = 0
  let lastProgress = 0
  let cancelled = false

  const headerBytes = Buffer.from(UTF8_BOM + csvLine(header), 'utf8')
  formatter.out.set(headerBytes, 0)
  formatter.at = headerBytes.length

  /** Hands the filled buffer to the thread pool and continues in the other one. */
  const swap = async (): Promise<void> => {
    await writing // the other buffer must be on disk before it is filled again
    const length = formatter.at
    writing = length > 0 ? writeAll(handle, formatter.out, length) : Promise.resolve()
    bytesWritten += length
    current = 1 - current
    formatter.out = buffers[current]
    formatter.at = 0
  }
  const progress = (partDone: number, force = false): void => {
    const now = Date.now()
    if (!force && now - lastProgress < PROGRESS_EVERY_MS) return
    lastProgress = now
    hooks.onProgress?.({
      rows: formatter.rows,
      bytesWritten: bytesWritten + formatter.at,
      fraction: Math.min(1, (doneBytes + partDone) / totalBytes)
    })
  }

  try {
    for (const part of parts) {
      formatter.resetDefinitions()
      for await (const chunk of recordChunks(part.file, part.limit)) {
        let p = chunk.start
        while (p < chunk.end && !cancelled) {
          // About 1 MB of records at a time, so progress and cancel stay responsive.
          const sliceEnd = Math.min(chunk.end, p + SLICE)
          const q = formatter.format(chunk.buf, chunk.view, p, chunk.end, RESERVE, sliceEnd)
          if (q === p || formatter.at > OUT_BUFFER - RESERVE) await swap()
          p = q
          progress(chunk.consumed - (chunk.end - p))
          cancelled = hooks.isCancelled?.() === true
        }
        if (cancelled) break
      }
      if (cancelled) break
      doneBytes += part.bytes
    }
    if (!cancelled) {
      await swap()
      await writing
      await handle.sync()
    }
  } catch (error) {
    await writing.catch(() => undefined)
    await handle.close()
    fs.rmSync(partial, { force: true })
    throw error
  }
  await writing.catch(() => undefined)
  await handle.close()
  const rows = formatter.rows
  if (cancelled) {
    fs.rmSync(partial, { force: true })
    return { status: 'cancelled', rows, bytes: bytesWritten }
  }
  fs.renameSync(partial, target)
  hooks.onProgress?.({ rows, bytesWritten, fraction: 1 })
  return { status: 'done', rows, bytes: bytesWritten }
}

function leading(withConnection: boolean): string[] {
  return ['time', 'epoch_ms', ...(withConnection ? ['connection'] : []), 'topic']
}

async function writeAll(
  handle: fs.promises.FileHandle,
  data: Uint8Array,
  length: number
): Promise<void> {
  let done = 0
  while (done < length) done += (await handle.write(data, done, length - done)).bytesWritten
}
