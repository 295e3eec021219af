// CSV of chosen series over a time range, streamed from PostgreSQL (COPY ... TO STDOUT) into
// a file: one row per reading, oldest first, with progress by time and a cancel.
import * as fs from 'node:fs'
import { once } from 'node:events'
import { to as copyTo } from 'pg-copy-streams'
import type pg from 'pg'
import type { StoreExportRequest } from '../../../shared/store-types'
import { writeWhole } from '../export-jobs'
import { q } from './pg-schema'
import type { ExportHooks } from './store-backend'

const PROGRESS_EVERY_MS = 100
const NEWLINE = 10
/** The same first columns as the journal's long export. */
const HEADER = '\ufefftime,epoch_ms,connection,topic,field,unit,value\r\n'

/**
 * A text cell that starts like a spreadsheet formula gets a leading ' (as the journal's CSV
 * does): topics come from the broker, and anyone may publish one.
 */
function guarded(column: string): string {
  return `CASE WHEN left(${column}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || ${column} ELSE ${column} END`
}

export async function exportFromPg(
  client: pg.Client,
  schema: string,
  req: StoreExportRequest,
  file: string,
  hooks: ExportHooks
): Promise<{ status: 'done' | 'cancelled'; rows: number; bytes: number }> {
  const s = q(schema)
  const found = await client.query<{ id: number }>(
    `SELECT s.id FROM unnest($1::text[], $2::text[], $3::text[]) AS k(connection, topic, field)
       JOIN ${s}.series s USING (connection, topic, field)`,
    [
      req.series.map((k) => k.connection),
      req.series.map((k) => k.topic),
      req.series.map((k) => k.field)
    ]
  )
  // COPY takes no parameters: ids are integers and the times numbers, written out here.
  const ids = found.rows.map((r) => Math.trunc(Number(r.id))).join(',')
  const from = Number(req.fromMs) / 1000
  const to = Number(req.toMs) / 1000
  const sql = `COPY (
      SELECT to_char(r.t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS time,
             date_part('epoch', r.t) * 1000 AS epoch_ms,
             ${guarded('s.connection')} AS connection, ${guarded('s.topic')} AS topic,
             ${guarded('s.field')} AS field, ${guarded('s.unit')} AS unit, r.value
        FROM ${s}.readings r JOIN ${s}.series s ON s.id = r.series_id
       WHERE r.series_id = ANY('{${ids}}'::int[])
         AND r.t >= to_timestamp(${from}) AND r.t < to_timestamp(${to})
       ORDER BY r.t, r.series_id
    ) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE (connection, topic, field, unit))`
  const span = Math.max(1, Number(req.toMs) - Number(req.fromMs))
  const outcome = await writeWhole(file, async (partial) => {
    const out = fs.createWriteStream(partial)
    let rows = 0
    let bytes = 0
    let lastProgress = 0
    let status: 'done' | 'cancelled' = 'done'
    try {
      bytes += Buffer.byteLength(HEADER)
      out.write(HEADER)
      const stream = client.query(copyTo(sql))
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (hooks.isCancelled()) {
          status = 'cancelled'
          stream.destroy()
          break
        }
        for (let i = chunk.indexOf(NEWLINE); i >= 0; i = chunk.indexOf(NEWLINE, i + 1)) rows++
        bytes += chunk.length
        if (!out.write(chunk)) await once(out, 'drain')
        const now = Date.now()
        if (now - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = now
          const t = lastEpochMs(chunk)
          const fraction = Number.isFinite(t)
            ? Math.min(1, Math.max(0, (t - Number(req.fromMs)) / span))
            : 0
          hooks.onProgress({ rows, bytesWritten: bytes, fraction })
        }
      }
      out.end()
      await once(out, 'close')
      return { status, rows, bytes }
    } catch (error) {
      out.destroy()
      throw error
    }
  })
  if (outcome.status === 'done')
    hooks.onProgress({ rows: outcome.rows, bytesWritten: outcome.bytes, fraction: 1 })
  return outcome
}

/** The epoch_ms column of the last whole line in a chunk (NaN when there is none). */
function lastEpochMs(chunk: Buffer): number {
  const end = chunk.lastIndexOf(NEWLINE)
  if (end < 0) return NaN
  const start = chunk.lastIndexOf(NEWLINE, end - 1) + 1
  const line = chunk.toString('utf8', start, end)
  return Number(line.split(',', 2)[1])
}
