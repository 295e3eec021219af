import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  mosquittoAvailable,
  startMosquitto,
  type MosquittoBroker
} from '../../../../../test-support/mosquitto'
import { PacketType, startMqttProxy, type MqttProxy } from '../../../../../test-support/mqtt-proxy'
import { startServe, type ServedApp } from '../../../../../test-support/serve'
import { waitUntil } from '../../../../../test-support/wait'
import { connectWsApi, type WsApi } from '../../../../../test-support/ws-api'
import { logMark, readings, waitForSubscribe } from '../../../../../test-support/broker-log'
import { newProfile } from '../../../../shared/defaults'

const SERVE_JS = path.resolve('out/main/serve.js')
const available = mosquittoAvailable()
if (!available.ok) console.warn(`*** SKIPPING QoS 2 app-restart tests: ${available.reason} ***`)

/** Values of one series as a fresh window gets them (the snapshot). */
async function values(api: WsApi, topic: string): Promise<number[]> {
  const snap = await api.invoke('capture:snapshot', {})
  const def = snap.defs.find((d) => d.topic === topic && d.field === 'temperature')
  return def ? [...snap.series.find((s) => s.id === def.id)!.v] : []
}

async function connected(api: WsApi, profileId: string): Promise<void> {
  await waitUntil(
    async () =>
      (await api.invoke('connection:list')).some(
        (s) => s.profileId === profileId && s.state === 'connected'
      ),
    `${profileId} connected`,
    20_000
  )
}

// The app is killed (as a crash or power loss would) in the middle of a QoS 2 handshake, and
// started again as a new process on the same data folder. The message must arrive exactly once:
// mqtt.js keeps a received, not yet released message in its in-flight store, which used to
// live in memory only, so a PUBREL after the restart found nothing and the message was lost.
describe.skipIf(!available.ok)('QoS 2 exactly once across a full restart of the app', () => {
  let broker: MosquittoBroker
  let proxy: MqttProxy | undefined
  const apps: ServedApp[] = []
  const apis: WsApi[] = []
  const dirs: string[] = []

  beforeAll(async () => {
    if (!fs.existsSync(SERVE_JS))
      throw new Error(`${SERVE_JS} is missing: build first (npx electron-vite build, or npm test)`)
    broker = await startMosquitto({ anonymous: true, password: false, persistence: true })
  })
  afterEach(async () => {
    await Promise.all(apis.splice(0).map((a) => a.close()))
    await Promise.all(apps.splice(0).map((a) => a.kill()))
    await proxy?.close()
  })
  afterAll(async () => {
    await broker?.close()
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
  })

  async function start(dataDir: string): Promise<WsApi> {
    const app = await startServe([], { dataDir })
    apps.push(app)
    const api = await connectWsApi(app.url)
    apis.push(api)
    return api
  }

  it.each([
    ["the broker's release (PUBREL) is lost", 'to-client', PacketType.PUBREL],
    ['our receipt (PUBREC) is lost', 'to-broker', PacketType.PUBREC]
  ] as const)(
    'killed mid-handshake as %s: the message arrives once after the restart',
    async (_what, direction, type) => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlm-qos2-restart-'))
      dirs.push(dataDir)
      proxy = await startMqttProxy(broker.ports.anonymous!)
      const clientId = `qos2-restart-${type}`
      const topic = `qos2/restart-${type}`
      let api = await start(dataDir)
      const mark = logMark(broker)
      const profile = newProfile('lab', {
        name: 'Lab',
        host: '127.0.0.1',
        port: proxy.port,
        clientId,
        clean: false,
        topics: [{ filter: topic, qos: 2 }] as never
      })
      await api.invoke('settings:save-profile', { profile })
      await api.invoke('connection:open', { profileId: 'lab' })
      await connected(api, 'lab')
      await waitForSubscribe(broker, clientId, mark)

      // The link drops mid-handshake and stays down, so the app cannot finish it before it dies.
      const cut = proxy.cutAt(direction, type)
      await broker.publish(topic, readings(1, 7), { qos: 2 })
      await cut
      proxy.refuse(true)
      await apps[0].kill()
      await apis.shift()?.close()

      // A new process on the same data folder connects again (the profile was connected).
      proxy.refuse(false)
      api = await start(dataDir)
      await connected(api, 'lab')
      // A last message marks the end: a duplicate of 7 would have arrived before it.
      await broker.publish(topic, readings(1, 999), { qos: 2 })
      let got: number[] = []
      await waitUntil(
        async () => (got = await values(api, topic)).includes(999),
        `999 after the restart (have ${JSON.stringify(got)})`,
        20_000
      )
      expect(got).toEqual([7, 999])
    }
  )
})
