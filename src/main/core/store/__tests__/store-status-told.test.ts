// What the store tells the page: a batch written while nothing else changed (no lag check ran
// between the readings' arrival and their write) still reaches the status line, so the page
// never shows "Up to date: 0" for readings the database holds.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeWithPostgres } from '../../../../../test-support/postgres-suites'
import { waitUntil } from '../../../../../test-support/wait'
import {
  openJournal,
  reading,
  startWriter,
  type JournalHarness,
  type WriterHarness
} from './helpers/store-harness'

const BASE = Date.UTC(2026, 2, 1)

describeWithPostgres('the store status as told', {}, (pg) => {
  let journal: JournalHarness
  let store: WriterHarness | undefined

  beforeAll(async () => {
    journal = await openJournal()
  })
  afterAll(async () => {
    await store?.stop()
    await journal?.close()
  })

  it('tells each batch stored while the writer stays up to date, without a lag check between', async () => {
    store = startWriter(pg, journal, { schema: 'told', source: 'told', name: 'writer-told' })
    const told = store.statuses
    const last = () => told.at(-1)
    await waitUntil(() => last()?.state === 'caught-up', 'the writer to catch up at the start')
    for (const round of [1, 2, 3]) {
      for (let i = 0; i < 100; i++)
        journal.ingest.handle('plant/a', reading(BASE + round * 1000 + i, i))
      // Only what was sent through onStatus counts: nothing here asks for the lag.
      await waitUntil(
        () => last()?.state === 'caught-up' && last()?.storedRows === round * 100,
        `round ${round} told (last told ${JSON.stringify(last())})`,
        10_000
      )
    }
    // What was told is what it was then: later batches do not change an earlier status.
    const rows = told.filter((s) => s.state === 'caught-up').map((s) => s.storedRows)
    expect(rows).toEqual([...rows].sort((a, b) => a - b))
    expect(new Set(rows)).toEqual(new Set([0, 100, 200, 300]))
  }, 60_000)
})
