// What the ingest workers share: the app's core as serve mode runs it, subscribed to one
// filter on the benchmark's broker, and the bare mqtt.js subscriber it is measured against.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import mqtt from 'mqtt'
import { MonitorCore } from '../../src/main/core/monitor-core'
import { JsonFileBackend } from '../../src/main/core/settings/settings-backend'
import { MemorySecretStore } from '../../src/main/core/settings/secret-store'
import { newProfile } from '../../src/shared/defaults'

/** The core in a fresh data folder, connecting to `filter`; prints "ready" once connected. */
export async function startBenchCore(
  port: number,
  filter: string,
  readyDelayMs = 200
): Promise<MonitorCore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-core-'))
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
  core.on('connection:status', (s) => {
    if (s.state === 'connected') setTimeout(() => console.log('ready'), readyDelayMs)
  })
  const profile = newProfile('bench', {
    host: '127.0.0.1',
    port,
    clientId: `bench-ours-${process.pid}`,
    topics: [{ filter, qos: 0 } as never]
  })
  await core.handlers['settings:save-profile']({
    profile,
    password: { action: 'keep' },
    passphrase: { action: 'keep' }
  })
  await core.handlers['connection:open']({ profileId: 'bench' })
  return core
}

/** A plain mqtt.js subscriber to `filter`; prints "ready" once subscribed. */
export async function startBareSubscriber(port: number, filter: string): Promise<mqtt.MqttClient> {
  const client = await mqtt.connectAsync({
    host: '127.0.0.1',
    port,
    clientId: `bench-bare-${process.pid}`
  })
  await client.subscribeAsync(filter, { qos: 0 })
  return client
}
