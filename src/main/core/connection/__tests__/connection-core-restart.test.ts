import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { csvParse } from 'd3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  mosquittoAvailable,
  startMosquitto,
  type MosquittoBroker
} from '../../../../../test-support/mosquitto'
import { startServe, type ServedApp } from '../../../../../test-support/serve'
import { waitUntil } from '../../../../../test-support/wait'
import { connectWsApi, type WsApi } from '../../../../../test-support/ws-api'
import { newProfile } from '../../../../shared/defaults'
import {
  logMark,
  readings,
  waitForLog,
  waitForSubscribe
} from '../../../../../test-support/broker-log'

const SERVE_JS = path.resolve('out/main/serve.js')
const available = mosquittoAvailable()
if (!available.ok) console.warn(`*** SKIPPING core restart test: ${available.reason} ***`)

/** Values of one series as the charts get them from a fresh window (the snapshot). */
async function values(api: WsApi, topic: string, field: string): Promise<number[]> {
  const snap = await api.invoke('capture:snapshot', {})
  const def = snap.defs.find((d) => d.topic === topic && d.field === field)
  return def ? [...snap.series.find((s) => s.id === def.id)!.v] : []
}

async function connectedSoon(api: WsApi, profileId: string): Promise<void> {
  await waitUntil(
    async () =>
      (await api.invoke('connection:list')).some(
        (s) => s.profileId === profileId && s.state === 'connected'
      ),
    `${profileId} connected`,
    20_000
  )
}

describe.skipIf(!available.ok)('persistent session across a restart of the app core', () => {
  let broker: MosquittoBroker
  let dataDir: string
  const apps: ServedApp[] = []
  const apis: WsApi[] = []

  beforeAll(async () => {
    // A separate process runs the built core: without the build this test cannot say anything.
    if (!fs.existsSync(SERVE_JS))
      throw new Error(
        `${SERVE_JS} is missing: build first (ELECTRON_SKIP_BINARY_DOWNLOAD=1 npx electron-vite build, or npm test)`
      )
    broker = await startMosquitto({ anonymous: true, password: false, persistence: true })
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlm-core-restart-'))
  })
  afterAll(async () => {
    await Promise.all(apis.map((a) => a.close()))
    await Promise.all(apps.map((a) => a.stop()))
    await broker?.close()
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
  })

  async function start(): Promise<WsApi> {
    const app = await startServe([], { dataDir })
    apps.push(app)
    const api = await connectWsApi(app.url)
    apis.push(api)
    return api
  }

  it('messages published while the app was closed arrive after it starts again, in chart and CSV', async () => {
    const topic = 'lab/esp32.out'
    let api = await start()
    let mark = logMark(broker)
    const profile = newProfile('lab', {
      name: 'Lab',
      host: '127.0.0.1',
      port: broker.ports.anonymous!,
      clientId: 'core-restart-client',
      clean: false,
      protocolVersion: '5.0',
      topics: [{ filter: topic, qos: 1 }] as never
    })
    await api.invoke('settings:save-profile', { profile })
    await api.invoke('connection:open', { profileId: 'lab' })
    await connectedSoon(api, 'lab')
    await waitForSubscribe(broker, 'core-restart-client', mark)
    await broker.publish(topic, readings(2, 500), { qos: 1 })
    await waitUntil(async () => (await values(api, topic, 'temperature')).length === 2, '2 values')

    // The app process stops (as a user quits it) while connected.
    mark = logMark(broker)
    await apps[0].stop()
    await waitForLog(broker, /Client core-restart-client disconnected/, mark)
    await broker.publish(topic, readings(50), { qos: 1 })

    // A new process on the same data dir reconnects the profile that was connected.
    api = await start()
    await connectedSoon(api, 'lab')
    const expected = [500, 501, ...Array.from({ length: 50 }, (_, i) => i)]
    let got: number[] = []
    await waitUntil(
      async () => (got = await values(api, topic, 'temperature')).length >= expected.length,
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
