import { expect, it } from 'vitest'
import { coreHarnessForSuite, describeWithMosquitto } from '../../../../test-support/vitest-suites'

describeWithMosquitto('the captures as a panel lists them', { anonymous: true }, (broker) => {
  const app = coreHarnessForSuite()

  it('match the full list, without the names of the topics and fields', async () => {
    await app.connect(
      {
        id: 'plant',
        name: 'plant',
        host: '127.0.0.1',
        port: broker.ports.anonymous!,
        topics: [{ filter: 'plant/#', qos: 1 }]
      } as never,
      { broker }
    )
    await broker.publish('plant/a', ['1', '2'], { qos: 1 })
    await broker.publish('plant/b', ['3'], { qos: 1 })
    await app.waitForCount('plant/b', 'value', 1)
    const full = await app.invoke('capture:list')
    const summaries = await app.invoke('capture:summaries')
    expect(full.find((c) => c.active)!.topics).toEqual(
      expect.arrayContaining(['plant/a', 'plant/b'])
    )
    expect(summaries).toEqual(full.map(({ topics: _t, fields: _f, ...rest }) => rest))
    expect(summaries.find((c) => c.active)!.messages).toBeGreaterThanOrEqual(3)
    expect(Object.keys(summaries[0])).not.toContain('topics')
  })
})
