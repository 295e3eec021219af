import * as fs from 'node:fs'
import { csvParse } from 'd3'
import { expect, it } from 'vitest'
import {
  describeWithMosquitto,
  coreHarnessForSuite
} from '../../../../../test-support/vitest-suites'
import { waitUntil } from '../../../../../test-support/wait'
import { logMark, readings, waitForSubscribe } from '../../../../../test-support/broker-log'

const BROKER = { anonymous: true, password: true }

describeWithMosquitto('several connections at once (real Mosquitto)', BROKER, (broker) => {
  const app = coreHarnessForSuite()

  it('keeps a status per connection and the connection name on every reading and CSV row', async () => {
    const mark = logMark(broker)
    await app.saveProfile({
      id: 'a',
      name: 'Lab A',
      clientId: 'multi-a',
      host: '127.0.0.1',
      port: broker.ports.anonymous!,
      topics: [{ filter: 'esp32.out', qos: 1 }]
    } as never)
    await app.saveProfile(
      {
        id: 'b',
        name: 'Lab B',
        clientId: 'multi-b',
        host: '127.0.0.1',
        port: broker.ports.password!,
        username: 'sensor',
        topics: [{ filter: 'esp32.out', qos: 1 }]
      } as never,
      broker.users.sensor
    )
    await app.invoke('connection:open', { profileId: 'a' })
    await app.invoke('connection:open', { profileId: 'b' })
    await app.waitForState('a', 'connected')
    await app.waitForState('b', 'connected')
    await waitForSubscribe(broker, 'multi-a', mark)
    await waitForSubscribe(broker, 'multi-b', mark)
    const list = await app.invoke('connection:list')
    expect(list.map((s) => [s.name, s.state]).sort()).toEqual([
      ['Lab A', 'connected'],
      ['Lab B', 'connected']
    ])

    // The same topic on both: one publish reaches both subscriptions.
    await broker.publish('esp32.out', readings(3), { qos: 1 })
    const snapshotHas = async (): Promise<string[]> => {
      const snap = await app.invoke('capture:snapshot', {})
      return snap.defs
        .filter((d) => d.topic === 'esp32.out' && d.field === 'temperature')
        .filter((d) => snap.series.find((s) => s.id === d.id)!.v.length === 3)
        .map((d) => d.connection)
        .sort()
    }
    await waitUntil(async () => (await snapshotHas()).length === 2, 'both series with 3 values')
    expect(await snapshotHas()).toEqual(['Lab A', 'Lab B'])
    const stats = (await app.invoke('capture:snapshot', {})).topics
    expect(stats.map((t) => [t.connection, t.topic, t.messages]).sort()).toEqual([
      ['Lab A', 'esp32.out', 3],
      ['Lab B', 'esp32.out', 3]
    ])

    const result = await app.invoke('export:start', { exportId: 'multi' })
    expect(result).toMatchObject({ status: 'done', rows: 6 })
    const rows = csvParse(
      fs.readFileSync(`${app.dataDir}/exports/multi.csv`, 'utf8').replace(/^\ufeff/, '')
    )
    expect(rows.columns).toContain('connection')
    expect(rows.map((r) => `${r.connection}|${r['temperature (°C)']}`).sort()).toEqual([
      'Lab A|0.00',
      'Lab A|1.00',
      'Lab A|2.00',
      'Lab B|0.00',
      'Lab B|1.00',
      'Lab B|2.00'
    ])

    // Closing one leaves the other connected.
    await app.invoke('connection:close', { profileId: 'a' })
    expect((await app.invoke('connection:list')).map((s) => [s.name, s.state])).toEqual([
      ['Lab B', 'connected']
    ])
  })
})
