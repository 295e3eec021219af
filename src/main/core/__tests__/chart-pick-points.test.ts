// The page's series store against the real core: what a chart pick loads and then follows.
import { expect, it } from 'vitest'
import { coreHarnessForSuite, describeWithMosquitto } from '../../../../test-support/vitest-suites'
import { waitUntil } from '../../../../test-support/wait'
import { AUTO_SERIES_LIMIT } from '../../../renderer/src/charts/chart-choice'
import { SeriesStore } from '../../../renderer/src/charts/series-store'

const DEVICES = AUTO_SERIES_LIMIT + 8
const topic = (i: number): string => `fleet/dev${i}`

describeWithMosquitto('charting a series of a busy connection', { anonymous: true }, (broker) => {
  const app = coreHarnessForSuite()

  it('loads the recent points from the real core, then follows the stream with every reading once', async () => {
    await app.connect(
      {
        id: 'fleet',
        name: 'fleet',
        host: '127.0.0.1',
        port: broker.ports.anonymous!,
        topics: [{ filter: 'fleet/#', qos: 1 }]
      } as never,
      { broker }
    )
    const store = new SeriesStore(1000, (ids) => app.invoke('capture:snapshot', { seriesIds: ids }))
    // The page's start: the snapshot, then every batch (the channel is ordered).
    store.loadSnapshot(await app.invoke('capture:snapshot', {}))
    const off = app.on('capture:batch', (batch) => store.applyBatch(batch))
    try {
      for (let i = 0; i < DEVICES; i++)
        await broker.publish(topic(i), ['1', '2', '3', '4', '5'], { qos: 1 })
      await app.waitForCount(topic(7), 'value', 5)
      await waitUntil(() => store.defs.length === DEVICES, 'the page to know every series')
      // Too many series to chart by themselves: the page keeps no points for them.
      expect(store.keptCount).toBe(0)

      const id = store.defs.find((d) => d.topic === topic(7))!.id
      // Picked while the device goes on publishing: the answer and the stream overlap.
      const more = broker.publish(topic(7), ['6', '7', '8', '9', '10'], { qos: 1 })
      store.watch([id])
      await more
      await broker.publish(topic(7), ['11', '12'], { qos: 1 })
      const want = Array.from({ length: 12 }, (_, i) => i + 1)
      await waitUntil(
        () => store.get(id)!.length >= 12 && !store.isLoading(id),
        'the charted series to hold every reading'
      )
      expect(Array.from(store.get(id)!.v)).toEqual(want)
      expect(store.loadError).toBe('')
      // The others still keep nothing.
      expect(store.keptCount).toBe(1)
      // The core answers for the series asked, and leaves out an id it does not know.
      const answer = await app.invoke('capture:snapshot', { seriesIds: [id, 999_999] })
      expect(answer.defs.map((d) => d.topic)).toEqual([topic(7)])
      expect(Array.from(answer.series[0].v)).toEqual(want)
      expect(answer.topics).toEqual([])
    } finally {
      off()
    }
  })
})
