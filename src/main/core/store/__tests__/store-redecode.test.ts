// Decoding a capture again writes its parts anew: while the database store has not taken all
// of it, that is refused (the store's position in the old parts would mean nothing); once the
// store has moved past it, it goes ahead.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeWithPostgres } from '../../../../../test-support/postgres-suites'
import {
  openJournal,
  reading,
  startWriter,
  type JournalHarness,
  type WriterHarness
} from './helpers/store-harness'

const BASE = Date.UTC(2026, 6, 1)

describeWithPostgres('decoding a capture again with the database store on', {}, (pg) => {
  let journal: JournalHarness
  let store: WriterHarness

  beforeAll(async () => {
    journal = await openJournal()
    store = startWriter(pg, journal, { schema: 'redecode', source: 'r', name: 'writer-redecode' })
    journal.capture.setRetentionHold({
      keeps: (captureId, seq) => store.writer.keeps(captureId, seq),
      over: () => undefined
    })
  })
  afterAll(async () => {
    await store?.stop()
    await journal?.close()
  })

  it('is refused until the store has moved past the capture, then done', async () => {
    for (let n = 0; n < 50; n++) journal.ingest.handle('plant/a', reading(BASE + n, n))
    await store.waitFor((s) => s.state === 'caught-up' && s.storedRows === 50, 'stored')
    const first = journal.capture.activeCaptureId!
    await expect(journal.capture.redecode(first, () => null)).rejects.toThrow(
      /not all in the database yet/
    )
    // A new capture, and a reading in it: the store's position moves on to it.
    journal.capture.startCapture()
    journal.ingest.handle('plant/a', reading(BASE + 50, 50))
    await store.waitFor((s) => s.state === 'caught-up' && s.storedRows === 51, 'stored')
    await expect(journal.capture.redecode(first, () => null)).resolves.toMatchObject({
      messages: 50
    })
  })
})
