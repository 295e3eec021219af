// The database store against PostgreSQL's own floor on the same server, in the same run:
// - throughput: readings our writer moves from the journal into the database per second
//   (COPY, 10-minute summaries, position, one transaction per batch), against one bare
//   binary COPY of the same readings into a table of the same shape;
// - history: a year of 10 million readings of one series in 1,000 buckets, against fetching
//   the raw rows of the same range (binary COPY TO, the fastest way to get them out).
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { to as copyTo } from 'pg-copy-streams'
import type pg from 'pg'
import { postgresAvailable, startPostgres, type PostgresServer } from '../test-support/postgres'
import type { JournalPartRef } from '../src/main/core/capture/capture-parts'
import { CaptureStore } from '../src/main/core/capture/capture-store'
import type { DecodedRow } from '../src/main/core/decode/types'
import { copyIn, encodeRows } from '../src/main/core/store/pg-copy'
import { ensureSchema, Partitions } from '../src/main/core/store/pg-schema'
import { PgStore } from '../src/main/core/store/pg-store'
import { StoreWriter } from '../src/main/core/store/store-writer'
import { storeSettingsSchema } from '../src/shared/schemas'
import { atLeast, atMost, fmt, median, type Bench, type BenchResult } from './bench-lib'

const READINGS = 10_000_000
/** Throughput is measured in rounds, ours and the bare COPY alternating, so that load from
 * elsewhere on the machine falls on both alike; the ratio is the median of the rounds'. */
const ROUNDS = 10
const PER_ROUND = READINGS / ROUNDS
const YEAR_MS = 365 * 24 * 3600 * 1000
const START = Date.UTC(2025, 0, 1)
const STEP = YEAR_MS / READINGS
const BUCKETS = 1000
const TRIALS = 3

/** A sensor-like walk: the same values for our journal and for the bare COPY. */
function walk(): { t: Float64Array; v: Float64Array; text: string[] } {
  const t = new Float64Array(READINGS)
  const v = new Float64Array(READINGS)
  const text: string[] = new Array<string>(READINGS)
  let value = 20
  for (let i = 0; i < READINGS; i++) {
    value += Math.sin(i / 977) * 0.01 + ((i * 7919) % 13) / 1300 - 0.0046
    text[i] = value.toFixed(3)
    t[i] = START + i * STEP
    v[i] = Number(text[i])
  }
  return { t, v, text }
}

/** Appends readings [from, to) to the journal as the app writes a one-field message. */
function journal(
  capture: CaptureStore,
  data: ReturnType<typeof walk>,
  from: number,
  to: number
): void {
  const entry = capture.topicFor('bench', 'plant/temperature')
  const encoder = new TextEncoder()
  const row: DecodedRow = {
    t: 0,
    fields: ['temp'],
    values: [0],
    text: new Uint8Array(0),
    textStart: 0,
    textEnd: 0
  }
  for (let i = from; i < to; i++) {
    const text = encoder.encode(data.text[i])
    row.t = data.t[i]
    row.values[0] = data.v[i]
    row.text = text
    row.textEnd = text.length
    capture.append(entry, row, text)
    if (i % 100_000 === 0) capture.flush()
  }
  capture.flush()
}

function settings(server: PostgresServer, schema: string) {
  return storeSettingsSchema.parse({ enabled: true, url: server.url, sslmode: 'disable', schema })
}

/** Our writer, fed a round at a time: it sees a round's readings only once all are journaled. */
class OurWriter {
  private visible: JournalPartRef[] = []
  private caughtUp: (() => void) | null = null
  private readonly backend: PgStore
  private readonly writer: StoreWriter

  constructor(
    server: PostgresServer,
    private readonly capture: CaptureStore
  ) {
    this.backend = new PgStore({
      connection: { settings: settings(server, 'bench_ours'), password: server.password },
      writerName: 'bench-writer'
    })
    this.writer = new StoreWriter({
      source: 'bench',
      backend: this.backend,
      parts: () => this.visible,
      onStatus: (s) => {
        if (s.state === 'caught-up' && s.lagRows === 0) this.caughtUp?.()
        if (s.state === 'retrying' || s.state === 'error') console.error(`   writer: ${s.message}`)
      },
      warn: (m) => console.error(`   writer: ${m}`),
      idleMs: 10
    })
    this.writer.start()
  }

  /** Shows the journal as it is now and times the writer until it has stored all of it. */
  async round(): Promise<number> {
    const done = new Promise<void>((resolve) => (this.caughtUp = resolve))
    const t0 = performance.now()
    this.visible = this.capture.parts()
    await done
    return PER_ROUND / ((performance.now() - t0) / 1000)
  }

  async stop(): Promise<void> {
    await this.writer.stop()
    await this.backend.close()
  }
}

/** The reference table: the same shape, partitions and indexes, made untimed. */
async function bareTable(client: pg.Client, data: ReturnType<typeof walk>): Promise<number> {
  await ensureSchema(client, 'bench_ref')
  const partitions = new Partitions('bench_ref')
  await partitions.load(client)
  await partitions.ensure(client, data.t, READINGS, START + YEAR_MS / 2)
  const series = await client.query<{ id: number }>(
    "INSERT INTO bench_ref.series (connection, topic, field) VALUES ('bench', 'plant/temperature', 'temp') RETURNING id"
  )
  return series.rows[0].id
}

async function bareRound(
  client: pg.Client,
  data: ReturnType<typeof walk>,
  id: number,
  round: number
): Promise<number> {
  const ids = new Int32Array(READINGS).fill(id)
  const copy = encodeRows(
    { t: data.t, v: data.v, ids },
    null,
    round * PER_ROUND,
    (round + 1) * PER_ROUND
  )
  const t0 = performance.now()
  await client.query('BEGIN')
  await copyIn(client, 'bench_ref.readings', copy)
  await client.query('COMMIT')
  return PER_ROUND / ((performance.now() - t0) / 1000)
}

async function rawFetchMs(client: pg.Client, seriesId: number): Promise<number> {
  const t0 = performance.now()
  const stream = client.query(
    copyTo(
      `COPY (SELECT t, value FROM bench_ours.readings WHERE series_id = ${seriesId} AND t >= to_timestamp(${START / 1000}) AND t < to_timestamp(${(START + YEAR_MS) / 1000})) TO STDOUT (FORMAT binary)`
    )
  )
  let bytes = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) bytes += chunk.length
  if (bytes < READINGS * 20) throw new Error(`the raw fetch got only ${bytes} bytes`)
  return performance.now() - t0
}

const bench: Bench = {
  title: 'Database store (PostgreSQL)',
  async run(): Promise<BenchResult[]> {
    const available = postgresAvailable()
    if (!available.ok) throw new Error(`PostgreSQL is not available: ${available.reason}`)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-store-'))
    const server = await startPostgres({ settings: { max_wal_size: '4GB' } })
    const client = await server.client()
    try {
      const data = walk()
      const capture = await CaptureStore.open({
        dir: path.join(dir, 'captures'),
        ringPoints: 16,
        retentionBytes: 64 * 1024 ** 3
      })
      capture.startCapture(START)
      const id = await bareTable(client, data)
      const ours = new OurWriter(server, capture)
      const rates = { ours: [] as number[], bare: [] as number[], ratio: [] as number[] }
      console.log(
        `   ${ROUNDS} rounds of ${fmt(PER_ROUND)} readings, ours and a bare COPY in turn…`
      )
      for (let round = 0; round < ROUNDS; round++) {
        journal(capture, data, round * PER_ROUND, (round + 1) * PER_ROUND)
        await client.query('CHECKPOINT')
        let mine: number
        let bare: number
        if (round % 2 === 0) {
          mine = await ours.round()
          bare = await bareRound(client, data, id, round)
        } else {
          bare = await bareRound(client, data, id, round)
          mine = await ours.round()
        }
        rates.ours.push(mine)
        rates.bare.push(bare)
        rates.ratio.push(mine / bare)
        console.log(`   round ${round + 1}: ours ${fmt(mine)}/s, bare ${fmt(bare)}/s`)
      }
      await ours.stop()
      await capture.close()
      await client.query('VACUUM ANALYZE bench_ours.readings')
      await client.query('VACUUM ANALYZE bench_ours.readings_summary')

      const backend = new PgStore({
        connection: { settings: settings(server, 'bench_ours'), password: server.password },
        writerName: 'bench-history'
      })
      const key = { connection: 'bench', topic: 'plant/temperature', field: 'temp' }
      const oursId = (await client.query<{ id: number }>('SELECT id FROM bench_ours.series'))
        .rows[0].id
      const history: number[] = []
      const raw: number[] = []
      let buckets = 0
      const ask = async (): Promise<number> => {
        const t0 = performance.now()
        const result = await backend.history({
          series: [key],
          fromMs: START,
          toMs: START + YEAR_MS,
          buckets: BUCKETS
        })
        const ms = performance.now() - t0
        buckets = result.series[0].t.length
        const total = result.series[0].count.reduce((a, b) => a + b, 0)
        if (total !== READINGS) throw new Error(`history counted ${total} readings`)
        return ms
      }
      await ask() // opens the connection
      // In turn, so that load from elsewhere falls on both alike.
      for (let i = 0; i < TRIALS; i++) {
        history.push(await ask())
        raw.push(await rawFetchMs(client, oursId))
      }
      await backend.close()

      const historyMs = median(history)
      const rawMs = median(raw)
      return [
        {
          name: `Store throughput (${fmt(READINGS)} readings in ${ROUNDS} rounds, readings/s)`,
          ours: `${fmt(median(rates.ours))}/s`,
          reference: `${fmt(median(rates.bare))}/s bare binary COPY`,
          ...atLeast(median(rates.ratio), 0.8),
          note: `median of the rounds' ratios; rounds: ${rates.ratio.map((r) => r.toFixed(2)).join(' ')}`
        },
        {
          name: `History, 1 series, a year of ${fmt(READINGS)} readings in ${BUCKETS} buckets (ms)`,
          ours: `${fmt(historyMs, 1)} ms (${buckets} buckets)`,
          reference: `${fmt(rawMs, 1)} ms raw rows (binary COPY TO)`,
          ...atMost(historyMs / rawMs, 0.25)
        }
      ]
    } finally {
      await client.end().catch(() => undefined)
      await server.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

export default bench
