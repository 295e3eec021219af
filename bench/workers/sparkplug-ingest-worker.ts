// One side of the Sparkplug ingest benchmark, in its own process so neither warms the other's JIT.
//   bare: a plain mqtt.js subscriber that decodes each payload with protobufjs and counts
//   ours: the app's core (MonitorCore): decode, Sparkplug state, capture, journal, batching,
//         frame encoding, with the default decoding (Sparkplug recognised from the topic)
// Prints "ready", then a JSON line {lastAt} (epoch ms of the N-th DDATA message) when done.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import mqtt from 'mqtt'
import { MonitorCore } from '../../src/main/core/monitor-core'
import { sparkplugPayloadType } from '../../src/main/core/decode/sparkplug/sparkplug-payload'
import { JsonFileBackend } from '../../src/main/core/settings/settings-backend'
import { MemorySecretStore } from '../../src/main/core/settings/secret-store'
import { encodeFrame } from '../../src/shared/frame-codec'
import { newProfile } from '../../src/shared/defaults'

const [mode, portText, countText, group] = process.argv.slice(2)
const port = Number(portText)
const count = Number(countText)
const dataTopic = `spBv1.0/${group}/DDATA/Edge/Device`

const done = (lastAt: number): never => {
  console.log(JSON.stringify({ lastAt }))
  process.exit(0)
}

if (mode === 'bare') {
  const Payload = sparkplugPayloadType()
  const client = await mqtt.connectAsync({
    host: '127.0.0.1',
    port,
    clientId: `bench-bare-${process.pid}`
  })
  await client.subscribeAsync(`spBv1.0/${group}/#`, { qos: 0 })
  let n = 0
  let metrics = 0
  client.on('message', (topic, payload) => {
    metrics += (Payload.decode(payload) as unknown as { metrics: unknown[] }).metrics.length
    if (topic === dataTopic && ++n === count) {
      if (metrics < 0) console.error(metrics)
      done(Date.now())
    }
  })
  console.log('ready')
} else {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sparkplug-'))
  process.on('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }))
  const core = await MonitorCore.create({
    mode: 'serve',
    version: 'bench',
    dataDir,
    settingsBackend: new JsonFileBackend(path.join(dataDir, 'settings.json')),
    secrets: new MemorySecretStore(),
    demo: false,
    exportTarget: async () => null
  })
  // What serve mode does with every batch: encode it for the WebSocket.
  core.on('capture:batch', (batch) => {
    encodeFrame({ kind: 'event', channel: 'capture:batch', payload: batch })
    const stat = batch.topics.find((t) => t.topic === dataTopic)
    if (stat && stat.messages >= count) done(Date.now())
  })
  core.on('connection:status', (s) => {
    if (s.state === 'connected') setTimeout(() => console.log('ready'), 200)
  })
  const profile = newProfile('bench', {
    host: '127.0.0.1',
    port,
    clientId: `bench-ours-${process.pid}`,
    topics: [{ filter: `spBv1.0/${group}/#`, qos: 0 } as never]
  })
  await core.handlers['settings:save-profile']({
    profile,
    password: { action: 'keep' },
    passphrase: { action: 'keep' }
  })
  await core.handlers['connection:open']({ profileId: 'bench' })
}
