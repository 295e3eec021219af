import * as fs from 'node:fs'
import type { JournalPartRef } from '../capture/capture-store'
import { CHUNK, PORCH, recordChunks } from '../capture/record-chunks'
import { columnName, csvLine, UTF8_BOM } from './csv-text'
import { planExport, type ExportFilter } from './export-plan'
import { RowFormatter } from './row-formatter'
import { FormatKernel } from './wasm/format-kernel'

const OUT_BUFFER = 8 * 1024 * 1024
/** Kept free at the end of the output buffer: a normal row always fits. */
const RESERVE = 64 * 1024
const PROGRESS_EVERY_MS = 100
const SLICE = 1024 * 1024

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
  // Wide rows of consecutive columns (the common case) go through WebAssembly; everything
  // else through the JavaScript formatter, which also reads definitions and tells the kernel.
  const kernel =
    options.format === 'wide' && options.engine !== 'js'
      ? FormatKernel.acquire(2 * (PORCH + CHUNK) + 2 * OUT_BUFFER + 1024)
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
  const readBuffers: [Buffer, Buffer] | undefined = kernel
    ? [kernel.region(PORCH + CHUNK), kernel.region(PORCH + CHUNK)]
    : undefined
  // Two output buffers: one is written on the thread pool while the other fills.
  const buffers = kernel
    ? [kernel.region(OUT_BUFFER), kernel.region(OUT_BUFFER)]
    : [formatter.out, new Uint8Array(OUT_BUFFER)]
  formatter.out = buffers[0]
  let current = 0
  let writing: Promise<unknown> = Promise.resolve()
  let bytesWritten = 0
  const totalBytes = parts.reduce((n, p) => n + p.bytes, 0) || 1
  const from = options.fromMs ?? -Infinity
  const to = options.toMs ?? Infinity
  let doneBytes = 0
  let lastProgress = 0
  let cancelled = false
  let kernelRows = 0

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
      kernel?.reset()
      for await (const chunk of recordChunks(part.file, part.limit, readBuffers)) {
        let p = chunk.start
        const fast = kernel !== null && kernel.owns(chunk.buf)
        while (p < chunk.end && !cancelled) {
          // About 1 MB of records at a time, so progress and cancel stay responsive.
          const sliceEnd = Math.min(chunk.end, p + SLICE)
          if (fast && kernel.owns(formatter.out)) {
            const r = kernel.formatWide(
              chunk.buf,
              p,
              sliceEnd,
              formatter.out as Buffer,
              formatter.at,
              OUT_BUFFER - RESERVE,
              from,
              to
            )
            formatter.at = r.at
            formatter.rows += r.rows
            kernelRows += r.rows
            p = r.p
            if (p >= sliceEnd) {
              progress(chunk.consumed - (chunk.end - p))
              cancelled = hooks.isCancelled?.() === true
              continue
            }
          }
          // The kernel stopped at a record it leaves to us (or there is no kernel): take one
          // record, or a slice of them.
          const q = formatter.format(
            chunk.buf,
            chunk.view,
            p,
            chunk.end,
            RESERVE,
            fast ? p + 1 : sliceEnd
          )
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
      // No fsync: the captured data is durable in the journal, and an export lost to a power
      // cut right after it finished is simply exported again (cp does not sync either).
      await swap()
      await writing
    }
  } catch (error) {
    await writing.catch(() => undefined)
    kernel?.release()
    await handle.close()
    fs.rmSync(partial, { force: true })
    throw error
  }
  await writing.catch(() => undefined)
  kernel?.release()
  await handle.close()
  const rows = formatter.rows
  if (cancelled) {
    fs.rmSync(partial, { force: true })
    return { status: 'cancelled', rows, bytes: bytesWritten, kernelRows }
  }
  fs.renameSync(partial, target)
  hooks.onProgress?.({ rows, bytesWritten, fraction: 1 })
  return { status: 'done', rows, bytes: bytesWritten, kernelRows }
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
