// One side of the ingest benchmark, in its own process so neither side warms the other's JIT.
//   bare: a plain mqtt.js subscriber that only counts
//   ours: the app's core (MonitorCore): decode, capture, journal, batching, frame encoding
// Prints "ready", then a JSON line {lastAt} (epoch ms of the N-th message) when done.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import mqtt from 'mqtt'
import { MonitorCore } from '../../src/main/core/monitor-core'
import { JsonFileBackend } from '../../src/main/core/settings/settings-backend'
import { MemorySecretStore } from '../../src/main/core/settings/secret-store'
import { encodeFrame } from '../../src/shared/frame-codec'
import { newProfile } from '../../src/shared/defaults'

const [mode, portText, countText, topic] = process.argv.slice(2)
const port = Number(portText)
const count = Number(countText)

const done = (lastAt: number): never => {
  console.log(JSON.stringify({ lastAt }))
  process.exit(0)
}

if (mode === 'bare') {
  const client = await mqtt.connectAsync({
    host: '127.0.0.1',
    port,
    clientId: `bench-bare-${process.pid}`
  })
  await client.subscribeAsync(topic, { qos: 0 })
  let n = 0
  client.on('message', () => {
    if (++n === count) done(Date.now())
  })
  console.log('ready')
} else {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ingest-'))
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
    const stat = batch.topics.find((t) => t.topic === topic)
    if (stat && stat.messages >= count) done(Date.now())
  })
  core.on('connection:status', (s) => {
    if (s.state === 'connected') setTimeout(() => console.log('ready'), 200)
  })
  const profile = newProfile('bench', {
    host: '127.0.0.1',
    port,
    clientId: `bench-ours-${process.pid}`,
    topics: [{ filter: topic, qos: 0 } as never]
  })
  await core.handlers['settings:save-profile']({
    profile,
    password: { action: 'keep' },
    passphrase: { action: 'keep' }
  })
  await core.handlers['connection:open']({ profileId: 'bench' })
}
