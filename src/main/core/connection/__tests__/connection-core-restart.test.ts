import { csvParse } from 'd3'
import { expect, it } from 'vitest'
import { describeWithMosquitto, serveAppsPerTest } from '../../../../../test-support/vitest-suites'
import type { ServedApp } from '../../../../../test-support/serve'
import { waitUntil } from '../../../../../test-support/wait'
import {
  connectProfile,
  connectWsApi,
  seriesValues,
  waitForConnected,
  type WsApi
} from '../../../../../test-support/ws-api'
import { logMark, readings, waitForLog } from '../../../../../test-support/broker-log'

const BROKER = { anonymous: true, password: false, persistence: true }

describeWithMosquitto('persistent session across a restart of the app core', BROKER, (broker) => {
  const serve = serveAppsPerTest()
  const apps: ServedApp[] = []

  /** Starts the built app on the data folder of the first one. */
  async function start(): Promise<WsApi> {
    const app = await serve([], { dataDir: apps[0]?.dataDir })
    apps.push(app)
    return connectWsApi(app.url)
  }

  it('messages published while the app was closed arrive after it starts again, in chart and CSV', async () => {
    const topic = 'lab/esp32.out'
    let api = await start()
    await connectProfile(api, broker, {
      id: 'lab',
      name: 'Lab',
      clientId: 'core-restart-client',
      clean: false,
      protocolVersion: '5.0',
      topics: [{ filter: topic, qos: 1 }]
    })
    await broker.publish(topic, readings(2, 500), { qos: 1 })
    await waitUntil(
      async () => (await seriesValues(api, topic, 'temperature')).length === 2,
      '2 values'
    )

    // The app process stops (as a user quits it) while connected.
    const mark = logMark(broker)
    await apps[0].stop()
    await waitForLog(broker, /Client core-restart-client disconnected/, mark)
    await broker.publish(topic, readings(50), { qos: 1 })

    // A new process on the same data dir reconnects the profile that was connected.
    api = await start()
    await waitForConnected(api, 'lab')
    const expected = [500, 501, ...Array.from({ length: 50 }, (_, i) => i)]
    let got: number[] = []
    await waitUntil(
      async () => (got = await seriesValues(api, topic, 'temperature')).length >= expected.length,
      `${expected.length} values after the restart`,
      20_000
    )
    expect(got).toEqual(expected)

    const result = await api.invoke('export:start', { exportId: 'after-restart', topics: [topic] })
    expect(result).toMatchObject({ status: 'done', rows: 52 })
    const response = await fetch(new URL(result.downloadUrl!, apps[1].url))
    expect(response.status).toBe(200)
    const rows = csvParse((await response.text()).replace(/^\ufeff/, ''))
    expect(rows.map((r) => Number(r['temperature (°C)']))).toEqual(expected)
  })
})
