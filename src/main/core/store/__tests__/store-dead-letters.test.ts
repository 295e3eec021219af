// A reading the database refuses goes to the dead-letter table with its reason; the readings
// around it are stored, and the writer goes on with what comes after.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeWithPostgres } from '../../../../../test-support/postgres-suites'
import {
  openJournal,
  reading,
  startWriter,
  storedValues,
  type JournalHarness,
  type WriterHarness
} from './helpers/store-harness'

const SCHEMA = 'dead_letters_test'
const BASE = Date.UTC(2026, 1, 10)
/** Year -10705: a JSON timestamp no PostgreSQL timestamp can hold. */
const BEFORE_TIME = -400_000_000_000_000

describeWithPostgres('readings the database refuses', {}, (pg) => {
  let journal: JournalHarness
  let store: WriterHarness

  beforeAll(async () => {
    journal = await openJournal()
    store = startWriter(pg, journal, { schema: SCHEMA, source: 'dead', name: 'writer-dead' })
  })
  afterAll(async () => {
    await store?.stop()
    await journal?.close()
  })

  it('keeps the refused reading in dead_letters with the reason and stores the rest', async () => {
    for (let n = 0; n < 1000; n++) {
      const ts = n === 400 ? BEFORE_TIME : BASE + n
      journal.ingest.handle('plant/sensor', reading(ts, n))
    }
    await store.waitFor((s) => s.state === 'caught-up', 'the first readings stored')
    // The writer goes on after the refused one.
    for (let n = 1000; n < 1200; n++) journal.ingest.handle('plant/sensor', reading(BASE + n, n))
    await store.waitFor((s) => s.state === 'caught-up' && s.lagRows === 0, 'the rest stored')

    const stored = (await storedValues(pg, SCHEMA)).get('plant/sensor')
    expect(stored).toEqual(Array.from({ length: 1200 }, (_, n) => n).filter((n) => n !== 400))
    const dead = await pg.query<{
      source: string
      topic: string
      field: string
      value: number
      t_ms: number
      reason: string
      part_seq: number
      record_offset: string
    }>(
      `SELECT source, topic, field, value, t_ms, reason, part_seq, record_offset FROM "${SCHEMA}".dead_letters`
    )
    expect(dead.rows).toHaveLength(1)
    const [row] = dead.rows
    expect(row).toMatchObject({ source: 'dead', topic: 'plant/sensor', field: 'n', value: 400 })
    expect(row.t_ms).toBe(BEFORE_TIME)
    expect(row.reason).toMatch(/timestamp out of range/)
    expect(Number(row.record_offset)).toBeGreaterThan(0)
    expect(store.writer.status.deadLetters).toBe(1)
    expect(store.writer.status.storedRows).toBe(1199)
    expect(
      store.warnings.some((w) => /refused 1 reading; it is kept in its dead_letters/.test(w))
    ).toBe(true)
    // Not in the summaries either: they count what the readings table holds.
    const minutes = await pg.query<{ n: number }>(
      `SELECT sum(count)::int AS n FROM "${SCHEMA}".readings_summary`
    )
    expect(minutes.rows[0].n).toBe(1199)
  })

  it('makes monthly partitions on demand from 1970 on, and refuses a month before that', async () => {
    const layout = await pg.query<{ value: string }>(
      `SELECT value FROM "${SCHEMA}".store_info WHERE key = 'layout'`
    )
    const before = Date.UTC(1960, 5, 1)
    journal.ingest.handle('plant/old', reading(before, 1))
    journal.ingest.handle('plant/old', reading(Date.UTC(1999, 11, 31), 2))
    journal.ingest.handle('plant/old', reading(BASE, 3))
    await store.waitFor((s) => s.state === 'caught-up' && s.lagRows === 0, 'stored')
    const dead = await pg.query<{ reason: string; t_ms: number }>(
      `SELECT reason, t_ms FROM "${SCHEMA}".dead_letters WHERE topic = 'plant/old'`
    )
    if (layout.rows[0].value === 'hypertable') {
      // TimescaleDB makes its chunks for any time itself.
      expect((await storedValues(pg, SCHEMA)).get('plant/old')).toEqual([1, 2, 3])
      expect(dead.rows).toEqual([])
      return
    }
    expect(layout.rows[0].value).toBe('partitions')
    expect((await storedValues(pg, SCHEMA)).get('plant/old')).toEqual([2, 3])
    expect(dead.rows).toEqual([{ t_ms: before, reason: expect.stringMatching(/no partition/) }])
    const partitions = await pg.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'readings' ORDER BY 1`
    )
    const names = partitions.rows.map((r) => r.name)
    expect(names).toContain('readings_199912')
    expect(names.some((n) => n.startsWith('readings_1960'))).toBe(false)
  })
})
