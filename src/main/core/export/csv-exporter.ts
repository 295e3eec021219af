import * as fs from 'node:fs'
import type { JournalPartRef } from '../capture/capture-store'
import { readPart } from '../capture/journal-reader'
import { columnName, csvLine, UTF8_BOM } from './csv-text'
import { planExport, type ExportFilter } from './export-plan'
import { COMMA, RowWriter } from './row-writer'

const OUT_BUFFER = 4 * 1024 * 1024
const PROGRESS_EVERY_MS = 100

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

interface FieldSetPlan {
  /** Column of each field, -1 when the field is not exported. */
  columns: Int32Array
  /** First column when the fields map to consecutive columns in order (text copied as is). */
  block: number
  names: readonly string[]
  units: readonly string[]
}

/**
 * Streams the selected journal parts into a CSV file: wide (one row per message, a column
 * per field) or long (one row per value). Memory stays flat: 4 MB reads, a 4 MB output
 * buffer. The file is written as `<target>.partial` and renamed when complete, so a cancel
 * or a failure never leaves a half file under the chosen name.
 */
export async function exportCsv(
  parts: readonly JournalPartRef[],
  target: string,
  options: ExportOptions,
  hooks: ExportHooks = {}
): Promise<ExportOutcome> {
  const plan = planExport(parts, options)
  const ncols = plan.columns.length
  const colIndex = new Map(plan.columns.map((c, i) => [c.field, i]))
  const partial = `${target}.partial`
  const fd = fs.openSync(partial, 'w')
  const w = new RowWriter(OUT_BUFFER)
  let bytesWritten = 0
  let rows = 0
  let cancelled = false
  const totalBytes = parts.reduce((n, p) => n + p.bytes, 0) || 1
  let doneBytes = 0
  let lastProgress = 0

  const drain = (): void => {
    let done = 0
    while (done < w.at) done += fs.writeSync(fd, w.buf, done, w.at - done)
    bytesWritten += w.at
    w.at = 0
  }
  const progress = (partBytes: number, force = false): void => {
    const now = Date.now()
    if (!force && now - lastProgress < PROGRESS_EVERY_MS) return
    lastProgress = now
    hooks.onProgress?.({
      rows,
      bytesWritten: bytesWritten + w.at,
      fraction: Math.min(1, (doneBytes + partBytes) / totalBytes)
    })
  }

  const header =
    options.format === 'wide'
      ? [
          'time',
          'epoch_ms',
          ...(plan.withConnection ? ['connection'] : []),
          'topic',
          ...plan.columns.map((c) => columnName(c.field, c.unit))
        ]
      : [
          'time',
          'epoch_ms',
          ...(plan.withConnection ? ['connection'] : []),
          'topic',
          'field',
          'unit',
          'value'
        ]
  const headerBytes = Buffer.from(UTF8_BOM + csvLine(header), 'utf8')
  w.ensure(headerBytes.length)
  w.bytes(headerBytes, 0, headerBytes.length)

  const topicFilter = options.topics ? new Set(options.topics) : null
  const from = options.fromMs ?? -Infinity
  const to = options.toMs ?? Infinity
  const slices = new Int32Array(Math.max(2, ncols * 2))

  try {
    for (const part of parts) {
      if (hooks.isCancelled?.()) {
        cancelled = true
        break
      }
      const topics = new Map<number, { connection: string; topic: string } | null>()
      const fieldSets = new Map<number, FieldSetPlan>()
      await readPart(
        part.file,
        {
          topic: (def) =>
            topics.set(def.id, topicFilter && !topicFilter.has(def.topic) ? null : def),
          fieldSet: (def) => fieldSets.set(def.id, planFieldSet(def.names, def.units, colIndex)),
          message: (t, topicId, fieldSetId, buf, start, end) => {
            if (t < from || t > to) return
            const topic = topics.get(topicId)
            const set = fieldSets.get(fieldSetId)
            if (!topic || !set) return
            const perRow =
              256 + 3 * (topic.connection.length + topic.topic.length) + 2 * (end - start) + ncols
            const bound = options.format === 'wide' ? perRow : perRow * (set.columns.length + 1)
            if (!w.fits(bound)) {
              drain()
              w.ensure(bound)
            }
            if (options.format === 'wide') {
              writeWide(w, t, topic, plan.withConnection, set, ncols, buf, start, end, slices)
              rows++
            } else {
              rows += writeLong(w, t, topic, plan.withConnection, set, buf, start, end)
            }
          },
          progress: (bytesRead) => progress(bytesRead),
          stopped: () => {
            cancelled ||= hooks.isCancelled?.() === true
            return cancelled
          }
        },
        { limit: part.limit }
      )
      doneBytes += part.bytes
      if (cancelled) break
    }
    if (!cancelled) {
      drain()
      fs.fsyncSync(fd)
    }
  } catch (error) {
    fs.closeSync(fd)
    fs.rmSync(partial, { force: true })
    throw error
  }
  fs.closeSync(fd)
  if (cancelled) {
    fs.rmSync(partial, { force: true })
    return { status: 'cancelled', rows, bytes: bytesWritten }
  }
  fs.renameSync(partial, target)
  progress(0, true)
  return { status: 'done', rows, bytes: bytesWritten }
}

function planFieldSet(
  names: readonly string[],
  units: readonly string[],
  colIndex: Map<string, number>
): FieldSetPlan {
  const columns = Int32Array.from(names, (n) => colIndex.get(n) ?? -1)
  let block = columns.length > 0 ? columns[0] : -1
  for (let i = 0; i < columns.length && block >= 0; i++) if (columns[i] !== block + i) block = -1
  return { columns, block, names, units }
}

function writeWide(
  w: RowWriter,
  t: number,
  topic: { connection: string; topic: string },
  withConnection: boolean,
  set: FieldSetPlan,
  ncols: number,
  buf: Buffer,
  start: number,
  end: number,
  slices: Int32Array
): void {
  w.time(t)
  w.byte(COMMA)
  if (withConnection) {
    w.text(topic.connection)
    w.byte(COMMA)
  }
  w.text(topic.topic)
  if (set.block >= 0) {
    // The common case: this message's fields are consecutive columns; copy the text.
    w.commas(set.block + 1)
    w.bytes(buf, start, end)
    w.commas(ncols - set.block - set.columns.length)
  } else {
    slices.fill(-1)
    let from = start
    let field = 0
    for (let i = start; i <= end; i++) {
      if (i !== end && buf[i] !== COMMA) continue
      const col = field < set.columns.length ? set.columns[field] : -1
      if (col >= 0) {
        slices[col * 2] = from
        slices[col * 2 + 1] = i
      }
      field++
      from = i + 1
    }
    for (let c = 0; c < ncols; c++) {
      w.byte(COMMA)
      if (slices[c * 2] >= 0) w.bytes(buf, slices[c * 2], slices[c * 2 + 1])
    }
  }
  w.endRow()
}

function writeLong(
  w: RowWriter,
  t: number,
  topic: { connection: string; topic: string },
  withConnection: boolean,
  set: FieldSetPlan,
  buf: Buffer,
  start: number,
  end: number
): number {
  let rows = 0
  let from = start
  let field = 0
  for (let i = start; i <= end; i++) {
    if (i !== end && buf[i] !== COMMA) continue
    if (i > from && field < set.columns.length && set.columns[field] >= 0) {
      w.time(t)
      w.byte(COMMA)
      if (withConnection) {
        w.text(topic.connection)
        w.byte(COMMA)
      }
      w.text(topic.topic)
      w.byte(COMMA)
      w.text(set.names[field])
      w.byte(COMMA)
      w.text(set.units[field] ?? '')
      w.byte(COMMA)
      w.bytes(buf, from, i)
      w.endRow()
      rows++
    }
    field++
    from = i + 1
  }
  return rows
}
