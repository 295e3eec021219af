// The tables the store keeps in PostgreSQL, made on first use. The schema name comes from the
// settings, checked against ^[a-z_][a-z0-9_]*$, so it can be written into statements quoted.
//
//   series          id, connection, topic, field, unit: one row per chartable series
//   readings        t, series_id, value: a TimescaleDB hypertable where the extension is
//                   installed, else partitioned by month (partitions made ahead and on demand)
//                   with a BRIN index on t; both with a B-tree on (series_id, t)
//   readings_summary per series and 10 UTC minutes: min, max, sum, count of its readings,
//                   written in the same transaction, so a long range is charted from these
//   store_offsets   one row per capture source: how far its journal is stored
//   dead_letters    readings the database refused, with its reason and where they came from
//   reading_values  a view joining readings to their series names (for SQL and Grafana users)
import type pg from 'pg'

export type Layout = 'hypertable' | 'partitions'

/**
 * The summaries' cell: coarse enough that a batch spanning hours of sparse readings adds few
 * cells, fine enough that a week fits a chart's width in cells.
 */
export const SUMMARY_MS = 10 * 60_000

export function q(schema: string): string {
  return `"${schema}"`
}

/** Creates what is missing and returns how readings are laid out. Safe to run concurrently. */
export async function ensureSchema(client: pg.Client, schema: string): Promise<Layout> {
  const s = q(schema)
  await client.query('BEGIN')
  try {
    // Two workers starting together must not both create the same table.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mqtt-monitor:${schema}`])
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`)
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.store_info (key text PRIMARY KEY, value text NOT NULL)`
    )
    const known = await client.query<{ value: string }>(
      `SELECT value FROM ${s}.store_info WHERE key = 'layout'`
    )
    let layout = known.rows[0]?.value as Layout | undefined
    if (!layout) {
      layout = (await timescaleReady(client)) ? 'hypertable' : 'partitions'
      await createTables(client, s, layout)
      await client.query(
        `INSERT INTO ${s}.store_info (key, value) VALUES ('layout', $1), ('summary_minutes', $2)`,
        [layout, String(SUMMARY_MS / 60_000)]
      )
    }
    await client.query('COMMIT')
    return layout
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  }
}

/** Whether TimescaleDB is installed on the server and can be used (created if need be). */
async function timescaleReady(client: pg.Client): Promise<boolean> {
  const available = await client.query(
    "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'"
  )
  if (available.rowCount === 0) return false
  await client.query('SAVEPOINT timescale')
  try {
    // Fails without superuser rights, or when the library is not preloaded: then partitions.
    await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb')
    await client.query('RELEASE SAVEPOINT timescale')
    return true
  } catch {
    await client.query('ROLLBACK TO SAVEPOINT timescale')
    return false
  }
}

async function createTables(client: pg.Client, s: string, layout: Layout): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS ${s}.series (
    id serial PRIMARY KEY,
    connection text NOT NULL,
    topic text NOT NULL,
    field text NOT NULL,
    unit text NOT NULL DEFAULT '',
    UNIQUE (connection, topic, field))`)
  const readings = `CREATE TABLE IF NOT EXISTS ${s}.readings (
    t timestamptz NOT NULL,
    series_id integer NOT NULL,
    value double precision NOT NULL)`
  if (layout === 'hypertable') {
    await client.query(readings)
    await client.query(
      `SELECT create_hypertable('${s}.readings', 't', chunk_time_interval => interval '7 days', if_not_exists => true)`
    )
  } else {
    await client.query(`${readings} PARTITION BY RANGE (t)`)
    await client.query(`CREATE INDEX IF NOT EXISTS readings_t_brin ON ${s}.readings USING brin (t)`)
  }
  await client.query(`CREATE INDEX IF NOT EXISTS readings_series_t ON ${s}.readings (series_id, t)`)
  await client.query(`CREATE TABLE IF NOT EXISTS ${s}.readings_summary (
    series_id integer NOT NULL,
    bucket timestamptz NOT NULL,
    min double precision NOT NULL,
    max double precision NOT NULL,
    sum double precision NOT NULL,
    count bigint NOT NULL,
    PRIMARY KEY (series_id, bucket))`)
  await client.query(`CREATE TABLE IF NOT EXISTS ${s}.store_offsets (
    source text PRIMARY KEY,
    capture_id text NOT NULL,
    part_seq integer NOT NULL,
    -- A writer sets -1 when the position is not where it started from (see pg-session).
    byte_offset bigint NOT NULL CONSTRAINT store_offsets_moved CHECK (byte_offset >= 0),
    part_messages bigint NOT NULL,
    last_t double precision,
    updated_at timestamptz NOT NULL DEFAULT now())`)
  await client.query(`CREATE TABLE IF NOT EXISTS ${s}.dead_letters (
    id bigserial PRIMARY KEY,
    source text NOT NULL,
    capture_id text NOT NULL,
    part_seq integer NOT NULL,
    record_offset bigint NOT NULL,
    t_ms double precision NOT NULL,
    connection text NOT NULL,
    topic text NOT NULL,
    field text NOT NULL,
    value double precision NOT NULL,
    reason text NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now())`)
  await client.query(`CREATE OR REPLACE VIEW ${s}.reading_values AS
    SELECT r.t, s.connection, s.topic, s.field, s.unit, r.value
    FROM ${s}.readings r JOIN ${s}.series s ON s.id = r.series_id`)
}

const MONTHS_AHEAD = 2
/** Months partitions are made for on demand: 1970 to a year ahead. Rows outside are refused. */
const FIRST_MONTH = 1970 * 12
const MONTHS_BEYOND_NOW = 12

function monthOf(ms: number): number {
  const d = new Date(ms)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

function monthStart(month: number): string {
  return new Date(Date.UTC(Math.floor(month / 12), month % 12, 1)).toISOString()
}

function partitionName(month: number): string {
  return `readings_${Math.floor(month / 12)}${String((month % 12) + 1).padStart(2, '0')}`
}

/**
 * The monthly partitions of a plain-PostgreSQL readings table: those that exist, the next
 * ones made ahead, and any month a batch needs made before the batch is sent.
 */
export class Partitions {
  private readonly months = new Set<number>()
  /** The last month found present: most rows of a batch fall in it. */
  private lo = 0
  private hi = -1

  constructor(private readonly schema: string) {}

  async load(client: pg.Client, now = Date.now()): Promise<void> {
    const found = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
         JOIN pg_namespace n ON n.oid = p.relnamespace
        WHERE n.nspname = $1 AND p.relname = 'readings'`,
      [this.schema]
    )
    for (const { name } of found.rows) {
      const m = /^readings_(\d{4})(\d{2})$/.exec(name)
      if (m) this.months.add(Number(m[1]) * 12 + Number(m[2]) - 1)
    }
    const current = monthOf(now)
    const wanted: number[] = []
    for (let m = current - 1; m <= current + MONTHS_AHEAD; m++) wanted.push(m)
    await this.create(client, wanted)
  }

  /** Makes the partitions the rows' times need (within the months made on demand). */
  async ensure(
    client: pg.Client,
    t: Float64Array,
    length: number,
    now = Date.now()
  ): Promise<void> {
    const missing = new Set<number>()
    const last = monthOf(now) + MONTHS_BEYOND_NOW
    for (let i = 0; i < length; i++) {
      const ms = t[i]
      if (ms >= this.lo && ms < this.hi) continue
      const month = monthOf(ms)
      if (this.months.has(month)) {
        this.lo = Date.parse(monthStart(month))
        this.hi = Date.parse(monthStart(month + 1))
      } else if (month >= FIRST_MONTH && month <= last) missing.add(month)
    }
    if (missing.size > 0) await this.create(client, [...missing])
  }

  private async create(client: pg.Client, months: number[]): Promise<void> {
    const s = q(this.schema)
    for (const month of months.sort((a, b) => a - b)) {
      if (this.months.has(month)) continue
      try {
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${s}.${partitionName(month)} PARTITION OF ${s}.readings FOR VALUES FROM ('${monthStart(month)}') TO ('${monthStart(month + 1)}')`
        )
      } catch (error) {
        // Another writer made it at the same moment: it exists, which is all we need.
        const code = (error as { code?: string }).code
        if (code !== '42P07' && code !== '42P17' && code !== '23505') throw error
      }
      this.months.add(month)
    }
  }
}
