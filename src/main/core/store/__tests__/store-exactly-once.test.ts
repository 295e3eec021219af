// Exactly once: readings captured while the writer's database session is killed mid-batch
// (twice), the server is stopped and started, and the app restarts, all land once, in order.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeWithPostgres } from '../../../../../test-support/postgres-suites'
import { readBatch } from '../journal-batch'
import { PgStore } from '../pg-store'
import { PositionMovedError } from '../store-backend'
import {
  openJournal,
  reading,
  startWriter,
  storedValues,
  storeSettings,
  type JournalHarness,
  type WriterHarness
} from './helpers/store-harness'

const SCHEMA = 'exactly_once'
const WRITER = 'writer-exactly-once'
const PER_TOPIC = 10_000
const TOPICS = ['plant/a', 'plant/b']
const ROUNDS = 20
const BASE = Date.UTC(2026, 0, 5)

describeWithPostgres('the store writer, exactly once', {}, (pg) => {
  let journal: JournalHarness
  let store: WriterHarness | undefined

  beforeAll(async () => {
    journal = await openJournal({ partBytes: 128 * 1024 })
  })
  afterAll(async () => {
    await store?.stop()
    await journal?.close()
  })

  it('stores 20,000 readings once each, in order, through two killed sessions, a server restart and an app restart', async () => {
    let batches = 0
    const killed: number[] = []
    const hooks = {
      // Inside the batch's transaction, its COPY started: end this very session.
      beforeData: async (pid: number) => {
        batches++
        if (batches !== 3 && batches !== 7) return
        const ended = await pg.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [
          pid
        ])
        killed.push(ended.rows[0].ok ? 1 : 0)
      }
    }
    const open = (): WriterHarness =>
      startWriter(pg, journal, {
        schema: SCHEMA,
        source: 'exactly-once',
        name: WRITER,
        hooks,
        maxRows: 1500
      })
    store = open()
    const perRound = PER_TOPIC / ROUNDS
    let sent = 0
    const feed = async (round: number): Promise<void> => {
      for (let i = 0; i < perRound; i++) {
        const n = round * perRound + i
        for (const topic of TOPICS) journal.ingest.handle(topic, reading(BASE + n, n))
      }
      sent += perRound * TOPICS.length
      await new Promise((resolve) => setTimeout(resolve, 150))
    }

    for (let round = 0; round < 8; round++) await feed(round)
    await store.waitFor(
      (s) => killed.length === 2 && s.state === 'caught-up',
      'two kills, then caught up'
    )

    // The server goes away while capture goes on; the lag grows; it comes back.
    await pg.stop()
    for (let round = 8; round < 12; round++) await feed(round)
    await store.waitFor((s) => s.state === 'retrying' && s.lagRows > 0, 'the writer to retry')
    const behind = store.writer.status.lagRows
    await pg.start()
    await store.waitFor(
      (s) => s.state === 'caught-up' && s.lagRows === 0,
      'caught up after the restart'
    )
    expect(behind).toBeGreaterThan(0)

    // The app restarts mid-stream: a new capture, a new writer, the position from the database.
    for (let round = 12; round < 16; round++) await feed(round)
    await store.stop()
    await journal.reopen()
    store = open()
    for (let round = 16; round < ROUNDS; round++) await feed(round)
    await store.waitFor((s) => s.state === 'caught-up' && s.lagRows === 0, 'caught up at the end')

    expect(sent).toBe(PER_TOPIC * TOPICS.length)
    expect(killed).toEqual([1, 1])
    const values = await storedValues(pg, SCHEMA)
    const expected = Array.from({ length: PER_TOPIC }, (_, n) => n)
    for (const topic of TOPICS) expect(values.get(topic)).toEqual(expected)
    const dead = await pg.query(`SELECT count(*)::int AS n FROM "${SCHEMA}".dead_letters`)
    expect(dead.rows[0].n).toBe(0)
    // The summaries hold the same readings, once.
    const minutes = await pg.query<{ n: number; sum: number }>(
      `SELECT sum(count)::int AS n, sum(sum) AS sum FROM "${SCHEMA}".readings_summary`
    )
    expect(minutes.rows[0].n).toBe(PER_TOPIC * TOPICS.length)
    expect(minutes.rows[0].sum).toBe((TOPICS.length * ((PER_TOPIC - 1) * PER_TOPIC)) / 2)
  }, 180_000)

  it('refuses a whole batch sent from a position the database no longer has (a stale writer)', async () => {
    const backend = new PgStore({
      connection: { settings: storeSettings(pg, SCHEMA), password: pg.password },
      writerName: 'stale-writer'
    })
    const session = await backend.openSession()
    try {
      const count = async (): Promise<number> =>
        Number((await pg.query(`SELECT count(*) AS n FROM "${SCHEMA}".readings`)).rows[0].n)
      const before = await count()
      const current = await session.position('exactly-once')
      expect(current).not.toBeNull()
      // What a writer that missed the last commits would send: from the start, and from a
      // position a little behind.
      for (const stale of [null, { ...current!, offset: current!.offset - 1 }]) {
        const { batch } = readBatch(journal.capture.parts(), null, 100)
        expect(batch.length).toBeGreaterThan(0)
        const ids = await session.seriesIds(batch.series)
        await expect(
          session.write('exactly-once', stale, batch, ids, { durable: false })
        ).rejects.toBeInstanceOf(PositionMovedError)
      }
      expect(await count()).toBe(before)
      expect(await session.position('exactly-once')).toEqual(current)
    } finally {
      await session.close()
      await backend.close()
    }
  })
})
