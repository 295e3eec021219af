// The PostgreSQL store: writing sessions for the writer, and the queries the history chart
// and the export from the database run (on a small pool of their own).
import type pg from 'pg'
import type {
  HistoryResult,
  HistorySeries,
  StoreSeries,
  StoreTestResult
} from '../../../shared/store-types'
import { connectClient, describePgError, StoreConfigError, type StoreConnection } from './pg-config'
import { exportFromPg } from './pg-export'
import { q, SUMMARY_MS } from './pg-schema'
import { openPgSession, type SessionHooks } from './pg-session'
import type { StoreBackend } from './store-backend'

const IDLE_CLIENTS = 2
const IDLE_MS = 30_000

export interface PgStoreOptions {
  connection: Omit<StoreConnection, 'applicationName'>
  /** Names the writer's session in pg_stat_activity (source included). */
  writerName: string
  hooks?: SessionHooks
}

export class PgStore implements StoreBackend {
  /** Idle query connections kept a while for the next history request. */
  private idle: { client: pg.Client; timer: ReturnType<typeof setTimeout> }[] = []
  private closed = false
  private readonly schema: string

  constructor(private readonly options: PgStoreOptions) {
    this.schema = options.connection.settings.schema
  }

  async openSession() {
    const client = await connectClient({
      ...this.options.connection,
      applicationName: this.options.writerName
    })
    return openPgSession(client, this.schema, this.options.hooks)
  }

  async test(): Promise<StoreTestResult> {
    const connection = { ...this.options.connection, applicationName: 'mqtt-monitor-test' }
    let client: pg.Client
    try {
      client = await connectClient(connection)
    } catch (error) {
      return { ok: false, message: describePgError(error, connection) }
    }
    try {
      const info = await client.query<{
        version: string
        user: string
        can_create: boolean
        schema_exists: boolean
        timescale: string | null
        ssl: boolean | null
      }>(
        `SELECT current_setting('server_version') AS version, current_user AS user,
                has_database_privilege(current_database(), 'CREATE') AS can_create,
                EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS schema_exists,
                (SELECT default_version FROM pg_available_extensions WHERE name = 'timescaledb') AS timescale,
                (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS ssl`,
        [this.schema]
      )
      const r = info.rows[0]
      const layout = await client
        .query<{ value: string }>(
          `SELECT value FROM ${q(this.schema)}.store_info WHERE key = 'layout'`
        )
        .catch(() => null)
      const tls = r.ssl ? 'over TLS' : 'without TLS'
      const parts = [`Connected to PostgreSQL ${r.version} as "${r.user}" ${tls}.`]
      if (layout?.rows[0]) {
        parts.push(
          `Schema "${this.schema}" holds the store's tables (readings ${layout.rows[0].value === 'hypertable' ? 'as a TimescaleDB hypertable' : 'in monthly partitions'}).`
        )
      } else if (!r.schema_exists && !r.can_create) {
        return {
          ok: false,
          message: `${parts[0]} But user "${r.user}" may not create schema "${this.schema}": create it for them, or choose a user who may.`
        }
      } else {
        parts.push(
          r.timescale
            ? `The tables will be made in schema "${this.schema}" on first use, readings as a TimescaleDB hypertable.`
            : `The tables will be made in schema "${this.schema}" on first use; without TimescaleDB, readings are kept in monthly partitions.`
        )
      }
      return { ok: true, message: parts.join(' ') }
    } catch (error) {
      return { ok: false, message: describePgError(error, connection) }
    } finally {
      await client.end().catch(() => undefined)
    }
  }

  async series(): Promise<StoreSeries[]> {
    const found = await this.query<StoreSeries>(
      `SELECT connection, topic, field, unit FROM ${q(this.schema)}.series ORDER BY connection, topic, field LIMIT 100000`
    )
    return found.rows
  }

  /**
   * Min, max, mean and count per bucket of `(toMs - fromMs) / buckets`. Buckets of a minute
   * or more are summed from the 10-minute summaries (widths rounded up to whole cells,
   * starting on one), so a year costs what a week does; narrower ones from the readings.
   */
  async history(req: {
    series: { connection: string; topic: string; field: string }[]
    fromMs: number
    toMs: number
    buckets: number
  }): Promise<HistoryResult> {
    const s = q(this.schema)
    const width = (req.toMs - req.fromMs) / req.buckets
    const summed = width >= SUMMARY_MS
    const cell = SUMMARY_MS
    const bucketMs = summed ? Math.ceil(width / cell) * cell : Math.max(0.001, width)
    const fromMs = summed ? Math.floor(req.fromMs / cell) * cell : req.fromMs
    const toMs = summed ? Math.ceil(req.toMs / cell) * cell : req.toMs
    const keys = await this.query<StoreSeries & { id: number; n: string }>(
      `SELECT s.id, s.connection, s.topic, s.field, s.unit, k.n
         FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS k(connection, topic, field, n)
         JOIN ${s}.series s USING (connection, topic, field)`,
      [
        req.series.map((k) => k.connection),
        req.series.map((k) => k.topic),
        req.series.map((k) => k.field)
      ]
    )
    const ids = keys.rows.map((r) => r.id)
    // The interval in whole microseconds, the origin at the first bucket's start.
    const args = [ids, `${Math.round(bucketMs * 1000)} microseconds`, fromMs / 1000, toMs / 1000]
    const sql = summed
      ? `SELECT series_id, date_bin($2::interval, bucket, to_timestamp($3)) AS b,
                min(min) AS mn, max(max) AS mx, sum(sum) / sum(count)::float8 AS mean, sum(count)::float8 AS n
           FROM ${s}.readings_summary
          WHERE series_id = ANY($1) AND bucket >= to_timestamp($3) AND bucket < to_timestamp($4)
          GROUP BY 1, 2`
      : `SELECT series_id, date_bin($2::interval, t, to_timestamp($3)) AS b,
                min(value) AS mn, max(value) AS mx, avg(value) AS mean, count(*)::float8 AS n
           FROM ${s}.readings
          WHERE series_id = ANY($1) AND t >= to_timestamp($3) AND t < to_timestamp($4)
          GROUP BY 1, 2`
    const rows = await this.query<{
      series_id: number
      t: number
      mn: number
      mx: number
      mean: number
      n: number
    }>(
      `SELECT series_id, date_part('epoch', b) * 1000 AS t, mn, mx, mean, n FROM (${sql}) g ORDER BY 1, 2`,
      args
    )
    const byId = new Map<number, typeof rows.rows>()
    for (const row of rows.rows) {
      let list = byId.get(row.series_id)
      if (!list) byId.set(row.series_id, (list = []))
      list.push(row)
    }
    const series: HistorySeries[] = keys.rows
      .sort((a, b) => Number(a.n) - Number(b.n))
      .map((k) => {
        const list = byId.get(k.id) ?? []
        const col = (f: (r: (typeof list)[number]) => number): Float64Array =>
          Float64Array.from(list, f)
        return {
          connection: k.connection,
          topic: k.topic,
          field: k.field,
          unit: k.unit,
          t: col((r) => r.t),
          min: col((r) => r.mn),
          max: col((r) => r.mx),
          mean: col((r) => r.mean),
          count: col((r) => r.n)
        }
      })
    return { fromMs, toMs, bucketMs, from: summed ? 'summaries' : 'raw', series }
  }

  async exportCsv(
    req: Parameters<StoreBackend['exportCsv']>[0],
    file: string,
    hooks: Parameters<StoreBackend['exportCsv']>[2]
  ) {
    const client = await this.acquire()
    let broken = false
    try {
      return await exportFromPg(client, this.schema, req, file, hooks)
    } catch (error) {
      broken = true
      throw error
    } finally {
      // A cancelled COPY leaves the connection mid-answer: it is closed, not reused.
      this.release(client, broken || hooks.isCancelled())
    }
  }

  describe(error: unknown): string {
    return describePgError(error, { ...this.options.connection, applicationName: '' })
  }

  isConfigError(error: unknown): boolean {
    return error instanceof StoreConfigError
  }

  async close(): Promise<void> {
    this.closed = true
    const idle = this.idle.splice(0)
    await Promise.all(
      idle.map(({ client, timer }) => {
        clearTimeout(timer)
        return client.end().catch(() => undefined)
      })
    )
  }

  private async acquire(): Promise<pg.Client> {
    const kept = this.idle.pop()
    if (kept) {
      clearTimeout(kept.timer)
      return kept.client
    }
    return connectClient({ ...this.options.connection, applicationName: 'mqtt-monitor-query' })
  }

  private release(client: pg.Client, broken: boolean): void {
    if (broken || this.closed || this.idle.length >= IDLE_CLIENTS) {
      client.end().catch(() => undefined)
      return
    }
    const entry = {
      client,
      timer: setTimeout(() => {
        this.idle = this.idle.filter((e) => e !== entry)
        client.end().catch(() => undefined)
      }, IDLE_MS)
    }
    entry.timer.unref?.()
    this.idle.push(entry)
  }

  private async query<R extends pg.QueryResultRow>(
    text: string,
    values?: unknown[]
  ): Promise<pg.QueryResult<R>> {
    const client = await this.acquire()
    let broken = false
    try {
      return await client.query<R>(text, values)
    } catch (error) {
      // A query error leaves the session usable; a lost connection does not.
      broken =
        !(error as { code?: string }).code ||
        !/^[0-9A-Z]{5}$/.test((error as { code: string }).code)
      throw error
    } finally {
      this.release(client, broken)
    }
  }
}
