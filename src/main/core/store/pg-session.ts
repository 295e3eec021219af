// The writer's PostgreSQL session: one connection, one transaction per batch. The readings,
// their 10-minute summaries, any dead letters and the source's new position commit together,
// so each reading lands exactly once whatever fails in between.
//
// A batch is one message to the server: BEGIN, the COPY and its data, the summaries, the
// position and COMMIT travel together, so a batch costs one round trip. Values go into that
// message as literals (numbers, and strings through escapeLiteral). The position moves only
// from where this writer started: otherwise the update writes -1, which the table's check
// refuses, and the whole batch is undone.
import type pg from 'pg'
import type { StoreSeries } from '../../../shared/store-types'
import type { JournalPosition, ReadingBatch } from './journal-batch'
import { copyIn, encodeRows, type CopyRows } from './pg-copy'
import { isRowError } from './pg-config'
import { ensureSchema, Partitions, q, SUMMARY_MS, type Layout } from './pg-schema'
import {
  PositionMovedError,
  type StoreSession,
  type WriteOptions,
  type WriteResult
} from './store-backend'

export interface SessionHooks {
  /**
   * Runs inside a batch's transaction, its COPY started and its data not yet sent, with the
   * session's server process id (tests end the connection here: mid-batch).
   */
  beforeData?(backendPid: number): Promise<void>
}

export async function openPgSession(
  client: pg.Client,
  schema: string,
  hooks: SessionHooks = {}
): Promise<StoreSession> {
  try {
    const layout = await ensureSchema(client, schema)
    // Commits need not wait for the disk: a crash of the database loses its last commits
    // whole, readings and position together, and the writer sends them again from the
    // journal. Only a commit that lets retention delete a part waits (WriteOptions.durable).
    await client.query('SET synchronous_commit = off')
    for (const statement of prepared(q(schema))) await client.query(statement)
    const partitions = layout === 'partitions' ? new Partitions(schema) : null
    await partitions?.load(client)
    return new PgSession(client, schema, layout, partitions, hooks)
  } catch (error) {
    await client.end().catch(() => undefined)
    throw error
  }
}

class PgSession implements StoreSession {
  private readonly s: string
  private readonly pid: number

  constructor(
    private readonly client: pg.Client,
    schema: string,
    readonly layout: Layout,
    private readonly partitions: Partitions | null,
    private readonly hooks: SessionHooks
  ) {
    this.s = q(schema)
    this.pid = (client as unknown as { processID: number }).processID
  }

  async position(source: string): Promise<JournalPosition | null> {
    const found = await this.client.query<{
      capture_id: string
      part_seq: number
      byte_offset: string
      part_messages: string
      last_t: number | null
    }>(
      `SELECT capture_id, part_seq, byte_offset, part_messages, last_t FROM ${this.s}.store_offsets WHERE source = $1`,
      [source]
    )
    const row = found.rows[0]
    if (!row) return null
    return {
      captureId: row.capture_id,
      partSeq: row.part_seq,
      offset: Number(row.byte_offset),
      partMessages: Number(row.part_messages),
      lastT: row.last_t
    }
  }

  async seriesIds(series: readonly StoreSeries[]): Promise<Int32Array> {
    const cols = {
      connection: series.map((k) => clean(k.connection)),
      topic: series.map((k) => clean(k.topic)),
      field: series.map((k) => clean(k.field)),
      unit: series.map((k) => clean(k.unit))
    }
    const args = [cols.connection, cols.topic, cols.field, cols.unit]
    const input = `unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS k(connection, topic, field, unit, n)`
    // Sorted, so two writers adding the same new series lock them in the same order.
    await this.client.query(
      `INSERT INTO ${this.s}.series (connection, topic, field, unit)
       SELECT connection, topic, field, unit FROM ${input}
       ORDER BY connection, topic, field
       ON CONFLICT (connection, topic, field) DO NOTHING`,
      args
    )
    await this.client.query(
      `UPDATE ${this.s}.series s SET unit = k.unit FROM ${input}
        WHERE s.connection = k.connection AND s.topic = k.topic AND s.field = k.field
          AND k.unit <> '' AND s.unit <> k.unit`,
      args
    )
    const found = await this.client.query<{ id: number; n: string }>(
      `SELECT s.id, k.n FROM ${input}
         JOIN ${this.s}.series s ON s.connection = k.connection AND s.topic = k.topic AND s.field = k.field`,
      args
    )
    const ids = new Int32Array(series.length).fill(-1)
    for (const row of found.rows) ids[Number(row.n) - 1] = row.id
    if (ids.includes(-1)) throw new Error('some series could not be made in the database')
    return ids
  }

  async write(
    source: string,
    from: JournalPosition | null,
    batch: ReadingBatch,
    seriesIds: Int32Array,
    options: WriteOptions
  ): Promise<WriteResult> {
    const n = batch.length
    const ids = new Int32Array(n)
    for (let i = 0; i < n; i++) ids[i] = seriesIds[batch.seriesOf[i]]
    const rows: CopyRows = { t: batch.t, v: batch.v, ids }
    if (n > 0) await this.partitions?.ensure(this.client, batch.t, n)
    const begin = options.durable ? 'BEGIN; SET LOCAL synchronous_commit = on' : 'BEGIN'
    const finish = (accepted: number[] | null): string =>
      [
        this.addSummaries(summaryCells(rows, accepted, n)),
        this.move(source, from, batch.end),
        'COMMIT'
      ]
        .filter(Boolean)
        .join(';\n')
    try {
      if (n === 0) await this.client.query(`${begin};\n${finish(null)}`)
      else
        await copyIn(this.client, `${this.s}.readings`, encodeRows(rows, null, 0, n), {
          before: begin,
          after: finish(null),
          beforeData: this.hooks.beforeData && (() => this.hooks.beforeData!(this.pid)),
          onSent: options.onSent
        })
      return { stored: n, rejected: 0 }
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined)
      if (isMoved(error)) throw new PositionMovedError()
      if (!isRowError(error) || !inCopy(error)) throw error
    }
    // Some row is refused: again, finding it (and any other) row by row.
    await this.client.query(begin)
    try {
      const accepted: number[] = []
      const all = Int32Array.from({ length: n }, (_, i) => i)
      const dead: { row: number; reason: string }[] = []
      await this.copyChecked(rows, all, 0, n, accepted, dead)
      await this.deadLetters(source, batch, dead)
      await this.client.query(finish(accepted))
      return { stored: accepted.length, rejected: dead.length }
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined)
      throw isMoved(error) ? new PositionMovedError() : error
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined)
  }

  /**
   * COPYs rows idx[from, to) inside a savepoint; a row the database refuses is found (by the
   * line the error names, or by halving) and set aside, and the others are sent again.
   */
  private async copyChecked(
    rows: CopyRows,
    idx: Int32Array,
    from: number,
    to: number,
    accepted: number[],
    dead: { row: number; reason: string }[]
  ): Promise<void> {
    while (from < to) {
      await this.client.query('SAVEPOINT rows')
      try {
        await copyIn(this.client, `${this.s}.readings`, encodeRows(rows, idx, from, to))
        await this.client.query('RELEASE SAVEPOINT rows')
        for (let k = from; k < to; k++) accepted.push(idx[k])
        return
      } catch (error) {
        if (!isRowError(error)) throw error
        await this.client.query('ROLLBACK TO SAVEPOINT rows')
        await this.client.query('RELEASE SAVEPOINT rows')
        const line = copyLine(error)
        if (line !== null && line >= 1 && line <= to - from) {
          const bad = from + line - 1
          if (bad > from) await this.copyChecked(rows, idx, from, bad, accepted, dead)
          dead.push({ row: idx[bad], reason: reasonOf(error) })
          from = bad + 1
        } else if (to - from === 1) {
          dead.push({ row: idx[from], reason: reasonOf(error) })
          return
        } else {
          const mid = (from + to) >> 1
          await this.copyChecked(rows, idx, from, mid, accepted, dead)
          await this.copyChecked(rows, idx, mid, to, accepted, dead)
          return
        }
      }
    }
  }

  private async deadLetters(
    source: string,
    batch: ReadingBatch,
    dead: { row: number; reason: string }[]
  ): Promise<void> {
    if (dead.length === 0) return
    const col = <T>(f: (row: number) => T): T[] => dead.map((d) => f(d.row))
    const series = (row: number): StoreSeries => batch.series[batch.seriesOf[row]]
    const part = (row: number) => batch.parts[batch.partOf[row]]
    await this.client.query(
      `INSERT INTO ${this.s}.dead_letters
         (source, capture_id, part_seq, record_offset, t_ms, connection, topic, field, value, reason)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bigint[], $5::float8[], $6::text[],
                                $7::text[], $8::text[], $9::float8[], $10::text[])`,
      [
        source,
        col((r) => part(r).captureId),
        col((r) => part(r).seq),
        col((r) => batch.offsetOf[r]),
        col((r) => finiteOr(batch.t[r])),
        col((r) => clean(series(r).connection)),
        col((r) => clean(series(r).topic)),
        col((r) => clean(series(r).field)),
        col((r) => batch.v[r]),
        dead.map((d) => clean(d.reason))
      ]
    )
  }

  /** The statement adding the stored rows to their summaries ('' for none). */
  private addSummaries(cells: SummaryCells): string {
    if (cells[0].length === 0) return ''
    const array = (values: number[]): string =>
      `'{${values.map((v) => (Number.isFinite(v) ? String(v) : v > 0 ? 'Infinity' : '-Infinity')).join(',')}}'`
    return `EXECUTE store_summaries(${cells.map(array).join(', ')})`
  }

  /** The statement moving the source's position from `from` to `to` (see PREPARED). */
  private move(source: string, from: JournalPosition | null, to: JournalPosition): string {
    const lit = (text: string): string => this.client.escapeLiteral(text)
    const next = `${lit(source)}, ${lit(to.captureId)}, ${to.partSeq}, ${to.offset}, ${to.partMessages}, ${num(to.lastT)}`
    if (!from) return `EXECUTE store_first(${next})`
    return `EXECUTE store_move(${next}, ${lit(from.captureId)}, ${from.partSeq}, ${from.offset})`
  }
}

/**
 * The statements a batch runs besides its COPY, prepared once per session: a batch message
 * then only names them, and the server plans them once.
 *
 * store_summaries adds a batch's cells to the summaries; a sum that would overflow
 * a float8 becomes Infinity (PostgreSQL would refuse it). store_move moves the position only
 * from where the writer started: otherwise it inserts a row with offset -1 instead, which
 * the table's check refuses, undoing the whole batch (store_first: the key does the same
 * when a position exists already).
 */
function prepared(s: string): string[] {
  const columns = '(source, capture_id, part_seq, byte_offset, part_messages, last_t)'
  return [
    `PREPARE store_summaries(int[], float8[], float8[], float8[], float8[], bigint[]) AS
      INSERT INTO ${s}.readings_summary AS m (series_id, bucket, min, max, sum, count)
      SELECT u.s, to_timestamp(u.b / 1000), u.mn, u.mx, u.sm, u.c
        FROM unnest($1, $2, $3, $4, $5, $6) AS u(s, b, mn, mx, sm, c)
      ON CONFLICT (series_id, bucket) DO UPDATE SET
        min = LEAST(m.min, EXCLUDED.min), max = GREATEST(m.max, EXCLUDED.max),
        sum = CASE WHEN abs(m.sum) <= 1e307 AND abs(EXCLUDED.sum) <= 1e307 THEN m.sum + EXCLUDED.sum
                   ELSE m.sum * 'Infinity'::float8 END,
        count = m.count + EXCLUDED.count`,
    `PREPARE store_first(text, text, int, bigint, bigint, float8) AS
      INSERT INTO ${s}.store_offsets ${columns} VALUES ($1, $2, $3, $4, $5, $6)`,
    `PREPARE store_move(text, text, int, bigint, bigint, float8, text, int, bigint) AS
      WITH moved AS (
        UPDATE ${s}.store_offsets
           SET capture_id = $2, part_seq = $3, byte_offset = $4, part_messages = $5,
               last_t = $6, updated_at = now()
         WHERE source = $1 AND capture_id = $7 AND part_seq = $8 AND byte_offset = $9
        RETURNING 1)
      INSERT INTO ${s}.store_offsets ${columns}
      SELECT $1, '', 0, -1, 0, NULL WHERE NOT EXISTS (SELECT 1 FROM moved)`
  ]
}

/** Per series and summary cell: min, max, sum and count, as six parallel columns. */
type SummaryCells = [number[], number[], number[], number[], number[], number[]]

/**
 * The stored rows (all n, or those accepted) summed per series and cell, sorted by both:
 * two writers summing into the same cells then lock them in the same order.
 */
function summaryCells(rows: CopyRows, accepted: number[] | null, n: number): SummaryCells {
  const cells = new Map<
    string,
    { id: number; bucket: number; min: number; max: number; sum: number; count: number }
  >()
  const count = accepted ? accepted.length : n
  let last:
    { id: number; bucket: number; min: number; max: number; sum: number; count: number } | undefined
  for (let k = 0; k < count; k++) {
    const i = accepted ? accepted[k] : k
    const id = rows.ids[i]
    const bucket = Math.floor(rows.t[i] / SUMMARY_MS) * SUMMARY_MS
    const v = rows.v[i]
    // Rows come in time order, mostly: the cell of the previous row is the likely one.
    let cell = last && last.id === id && last.bucket === bucket ? last : undefined
    if (!cell) {
      const key = `${id}:${bucket}`
      cell = cells.get(key)
      if (!cell) cells.set(key, (cell = { id, bucket, min: v, max: v, sum: 0, count: 0 }))
    }
    if (v < cell.min) cell.min = v
    if (v > cell.max) cell.max = v
    cell.sum += v
    cell.count++
    last = cell
  }
  const sorted = [...cells.values()].sort((a, b) => a.id - b.id || a.bucket - b.bucket)
  return [
    sorted.map((c) => c.id),
    sorted.map((c) => c.bucket),
    sorted.map((c) => c.min),
    sorted.map((c) => c.max),
    sorted.map((c) => c.sum),
    sorted.map((c) => c.count)
  ]
}

/** A number as SQL: finite ones as they are, NaN and null as NULL, infinities spelled out. */
function num(value: number | null): string {
  if (value === null || Number.isNaN(value)) return 'NULL'
  if (value === Infinity) return "'Infinity'"
  if (value === -Infinity) return "'-Infinity'"
  return String(value)
}

/** The position check refused the batch: the stored position is not where we started. */
function isMoved(error: unknown): boolean {
  const constraint = (error as { constraint?: string })?.constraint
  return constraint === 'store_offsets_moved' || constraint === 'store_offsets_pkey'
}

/** The error came from a row of a COPY (its context names the COPY and the line). */
function inCopy(error: unknown): boolean {
  return /^COPY /.test((error as { where?: string })?.where ?? '')
}

/** The row number a COPY error names ("COPY readings, line 17, column t"), 1-based. */
function copyLine(error: unknown): number | null {
  const where = (error as { where?: string })?.where ?? ''
  const m = /COPY [^,]+, line (\d+)/.exec(where)
  return m ? Number(m[1]) : null
}

function reasonOf(error: unknown): string {
  const e = error as { message?: string; detail?: string; code?: string }
  return [e.message, e.detail].filter(Boolean).join(' ') + (e.code ? ` (${e.code})` : '')
}

/** PostgreSQL text cannot hold U+0000: a field name with one is stored with U+FFFD instead. */
function clean(text: string): string {
  return text.includes('\u0000') ? text.split('\u0000').join('\ufffd') : text
}

function finiteOr(t: number): number {
  return Number.isFinite(t) ? t : 0
}
