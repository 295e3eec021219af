// The history query: min, max, mean and count per bucket, from the 10-minute summaries for
// long ranges and from the readings for short ones, equal what the raw rows give.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { HistoryResult } from '../../../../shared/store-types'
import type { PostgresServer } from '../../../../../test-support/postgres'
import { describeWithPostgres } from '../../../../../test-support/postgres-suites'
import {
  openJournal,
  startWriter,
  type JournalHarness,
  type WriterHarness
} from './helpers/store-harness'

const SCHEMA = 'history_test'
const START = Date.UTC(2026, 2, 1, 0, 0, 7, 250)
const STEP_MS = 7_300
const READINGS = 40_000
const TOPICS = ['plant/line1', 'plant/line2']

/** Each bucket of an answer, recomputed from the raw rows the database holds. */
async function checkAgainstRaw(pg: PostgresServer, result: HistoryResult): Promise<number> {
  let buckets = 0
  for (const series of result.series) {
    const raw = await pg.query<{ t: number; value: number }>(
      `SELECT date_part('epoch', r.t) * 1000 AS t, r.value FROM "${SCHEMA}".readings r
         JOIN "${SCHEMA}".series s ON s.id = r.series_id
        WHERE s.topic = $1 AND s.field = $2 AND r.t >= to_timestamp($3) AND r.t < to_timestamp($4)`,
      [series.topic, series.field, result.fromMs / 1000, result.toMs / 1000]
    )
    const expected = new Map<number, { min: number; max: number; sum: number; count: number }>()
    for (const { t, value } of raw.rows) {
      const k = Math.floor((t - result.fromMs) / result.bucketMs)
      const cell = expected.get(k)
      if (!cell) expected.set(k, { min: value, max: value, sum: value, count: 1 })
      else {
        cell.min = Math.min(cell.min, value)
        cell.max = Math.max(cell.max, value)
        cell.sum += value
        cell.count++
      }
    }
    expect(series.t.length).toBe(expected.size)
    for (let i = 0; i < series.t.length; i++) {
      const k = Math.round((series.t[i] - result.fromMs) / result.bucketMs)
      expect(series.t[i]).toBeCloseTo(result.fromMs + k * result.bucketMs, 3)
      const cell = expected.get(k)!
      expect(cell, `bucket ${k} of ${series.topic}`).toBeDefined()
      expect(series.min[i]).toBe(cell.min)
      expect(series.max[i]).toBe(cell.max)
      expect(series.count[i]).toBe(cell.count)
      expect(series.mean[i]).toBeCloseTo(cell.sum / cell.count, 9)
      buckets++
    }
  }
  return buckets
}

describeWithPostgres('history from the store', {}, (pg) => {
  let journal: JournalHarness
  let store: WriterHarness

  beforeAll(async () => {
    journal = await openJournal({ partBytes: 1024 * 1024 })
    store = startWriter(pg, journal, { schema: SCHEMA, source: 'history', name: 'writer-history' })
    // Two series over ~3.4 days, values with decimals, one sensor slower than the other.
    let seed = 7
    const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 100 - 20
    for (let n = 0; n < READINGS; n++) {
      for (const [i, topic] of TOPICS.entries()) {
        if (i === 1 && n % 3 !== 0) continue
        const payload = JSON.stringify({
          ts: START + n * STEP_MS,
          temp: Number(random().toFixed(3))
        })
        journal.ingest.handle(topic, Buffer.from(payload))
      }
    }
    await store.waitFor((s) => s.state === 'caught-up' && s.lagRows === 0, 'all stored', 60_000)
  }, 120_000)
  afterAll(async () => {
    await store?.stop()
    await journal?.close()
  })

  const series = TOPICS.map((topic) => ({ connection: 'plant', topic, field: 'temp' }))

  it('sums long ranges from the summaries, equal to the raw rows per bucket', async () => {
    const result = await store.backend.history({
      series,
      fromMs: START - 3_600_000,
      toMs: START + READINGS * STEP_MS,
      buckets: 200
    })
    expect(result.from).toBe('summaries')
    expect(result.bucketMs % 600_000).toBe(0)
    expect(result.fromMs % 600_000).toBe(0)
    expect(result.series.map((s) => s.topic)).toEqual(TOPICS)
    expect(result.series[0].unit).toBe('')
    const total = result.series.reduce((n, s) => n + s.count.reduce((a, b) => a + b, 0), 0)
    expect(total).toBe(READINGS + Math.ceil(READINGS / 3))
    expect(await checkAgainstRaw(pg, result)).toBeGreaterThan(150)
  })

  it('computes short ranges from the readings themselves, bucket by bucket', async () => {
    const result = await store.backend.history({
      series,
      fromMs: START + 1_000_003,
      toMs: START + 1_000_003 + 3 * 3_600_000,
      buckets: 1000
    })
    expect(result.from).toBe('raw')
    expect(result.bucketMs).toBeCloseTo(10_800, 6)
    expect(await checkAgainstRaw(pg, result)).toBeGreaterThan(1000)
  })

  it('answers an unknown series with nothing, and a range with no data with empty series', async () => {
    const unknown = await store.backend.history({
      series: [{ connection: 'plant', topic: 'nowhere', field: 'temp' }],
      fromMs: START,
      toMs: START + 1000,
      buckets: 10
    })
    expect(unknown.series).toEqual([])
    const empty = await store.backend.history({
      series,
      fromMs: Date.UTC(2020, 0, 1),
      toMs: Date.UTC(2020, 0, 2),
      buckets: 100
    })
    expect(empty.series.map((s) => s.t.length)).toEqual([0, 0])
  })
})
