// The writer's PostgreSQL session: one connection, one transaction per batch. The readings,
// their per-minute summaries, any dead letters and the source's new position commit together,
// so each reading lands exactly once whatever fails in between.
import type pg from 'pg'
import type { StoreSeries } from '../../../shared/store-types'
import type { JournalPosition, ReadingBatch } from './journal-batch'
import { copyIn, encodeRows, type CopyRows } from './pg-copy'
import { isRowError } from './pg-config'
import { ensureSchema, Partitions, q, type Layout } from './pg-schema'
import { PositionMovedError, type StoreSession, type WriteResult } from './store-backend'

export interface SessionHooks {
  /** Runs inside a batch's transaction after its COPY (tests end the connection here). */
  afterCopy?(): Promise<void>
}

const MINUTE = 60_000

export async function openPgSession(
  client: pg.Client,
  schema: string,
  hooks: SessionHooks = {}
): Promise<StoreSession> {
  try {
    const layout = await ensureSchema(client, schema)
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

  constructor(
    private readonly client: pg.Client,
    schema: string,
    readonly layout: Layout,
    private readonly partitions: Partitions | null,
    private readonly hooks: SessionHooks
  ) {
    this.s = q(schema)
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
    seriesIds: Int32Array
  ): Promise<WriteResult> {
    const n = batch.length
    const ids = new Int32Array(n)
    for (let i = 0; i < n; i++) ids[i] = seriesIds[batch.seriesOf[i]]
    const rows: CopyRows = { t: batch.t, v: batch.v, ids }
    if (n > 0) await this.partitions?.ensure(this.client, batch.t, n)
    const sql = (text: string, values?: unknown[]): Promise<pg.QueryResult> =>
      this.client.query(text, values)
    await sql('BEGIN')
    try {
      let accepted: number[] | null = null
      let rejected = 0
      if (n > 0) {
        try {
          await copyIn(this.client, `${this.s}.readings`, encodeRows(rows, null, 0, n))
        } catch (error) {
          if (!isRowError(error)) throw error
          // Some row is refused: start over, finding it (and any other) row by row.
          await sql('ROLLBACK')
          await sql('BEGIN')
          accepted = []
          const all = Int32Array.from({ length: n }, (_, i) => i)
          const dead: { row: number; reason: string }[] = []
          await this.copyChecked(rows, all, 0, n, accepted, dead)
          await this.deadLetters(source, batch, dead)
          rejected = dead.length
        }
      }
      await this.hooks.afterCopy?.()
      await this.addMinutes(rows, accepted, n)
      await this.movePosition(source, from, batch.end)
      await sql('COMMIT')
      return { stored: accepted ? accepted.length : n, rejected }
    } catch (error) {
      await sql('ROLLBACK').catch(() => undefined)
      throw error
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

  /** Adds the stored rows to their per-minute summaries. */
  private async addMinutes(rows: CopyRows, accepted: number[] | null, n: number): Promise<void> {
    const cells = new Map<
      number,
      Map<number, { min: number; max: number; sum: number; count: number }>
    >()
    const count = accepted ? accepted.length : n
    for (let k = 0; k < count; k++) {
      const i = accepted ? accepted[k] : k
      const id = rows.ids[i]
      const minute = Math.floor(rows.t[i] / MINUTE) * MINUTE
      const v = rows.v[i]
      let bySeries = cells.get(id)
      if (!bySeries) cells.set(id, (bySeries = new Map()))
      const cell = bySeries.get(minute)
      if (!cell) bySeries.set(minute, { min: v, max: v, sum: v, count: 1 })
      else {
        if (v < cell.min) cell.min = v
        if (v > cell.max) cell.max = v
        cell.sum += v
        cell.count++
      }
    }
    if (cells.size === 0) return
    const cols: [number[], number[], number[], number[], number[], number[]] = [
      [],
      [],
      [],
      [],
      [],
      []
    ]
    for (const [id, bySeries] of cells) {
      for (const [minute, c] of bySeries) {
        cols[0].push(id)
        cols[1].push(minute)
        cols[2].push(c.min)
        cols[3].push(c.max)
        cols[4].push(c.sum)
        cols[5].push(c.count)
      }
    }
    // Sorted, so two writers summing into the same minutes lock them in the same order.
    await this.client.query(
      `INSERT INTO ${this.s}.readings_minute AS m (series_id, bucket, min, max, sum, count)
       SELECT s, to_timestamp(b / 1000.0), mn, mx, sm, c
         FROM unnest($1::int[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::bigint[])
           AS u(s, b, mn, mx, sm, c)
        ORDER BY s, b
       ON CONFLICT (series_id, bucket) DO UPDATE SET
         min = LEAST(m.min, EXCLUDED.min), max = GREATEST(m.max, EXCLUDED.max),
         sum = m.sum + EXCLUDED.sum, count = m.count + EXCLUDED.count`,
      cols
    )
  }

  private async movePosition(
    source: string,
    from: JournalPosition | null,
    to: JournalPosition
  ): Promise<void> {
    const next = [source, to.captureId, to.partSeq, to.offset, to.partMessages, to.lastT]
    const moved = from
      ? await this.client.query(
          `UPDATE ${this.s}.store_offsets
              SET capture_id = $2, part_seq = $3, byte_offset = $4, part_messages = $5,
                  last_t = $6, updated_at = now()
            WHERE source = $1 AND capture_id = $7 AND part_seq = $8 AND byte_offset = $9`,
          [...next, from.captureId, from.partSeq, from.offset]
        )
      : await this.client.query(
          `INSERT INTO ${this.s}.store_offsets
             (source, capture_id, part_seq, byte_offset, part_messages, last_t)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (source) DO NOTHING`,
          next
        )
    if (moved.rowCount !== 1) throw new PositionMovedError()
  }
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
