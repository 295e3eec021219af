// Poison payloads on a persistent QoS 1 session: the broker delivers them again at every
// start until they are acknowledged, so one message that crashes the app would crash it at
// every start. The real serve CLI (from source), a real Mosquitto with persistence.
import { spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  mosquittoAvailable,
  startMosquitto,
  type MosquittoBroker
} from '../../../../test-support/mosquitto'
import { logMark, waitForLog, waitForSubscribe } from '../../../../test-support/broker-log'
import { waitUntil } from '../../../../test-support/wait'
import { connectWsApi } from '../../../../test-support/ws-api'
import type { TopicStat } from '../../../shared/types'

const available = mosquittoAvailable()
if (!available.ok) console.warn(`*** SKIPPING poison redelivery tests: ${available.reason} ***`)

const CLI = path.resolve('src/main/serve/cli.ts')
const CLIENT_ID = 'poison-app'

interface App {
  child: ChildProcess
  url: string
  output: () => string
}

async function startApp(dataDir: string): Promise<App> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, '--port', '0', '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let output = ''
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address in 20 s:\n${output}`)), 20_000)
    child.stdout!.on('data', () => {
      const match = /^(http:\/\/\S+)$/m.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)))
  })
  return { child, url, output: () => output }
}

async function stopApp(app: App): Promise<number | null> {
  if (app.child.exitCode !== null) return app.child.exitCode
  const exited = new Promise<number | null>((resolve) => app.child.once('exit', resolve))
  app.child.kill('SIGTERM')
  return exited
}

describe.skipIf(!available.ok)('poison payloads on a persistent session', () => {
  let broker: MosquittoBroker
  let dataDir: string

  beforeAll(async () => {
    broker = await startMosquitto({ anonymous: true, password: false, persistence: true })
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'poison-'))
  })
  afterAll(async () => {
    await broker?.close()
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('are counted with their reasons, and the app survives every restart', async () => {
    // 1. The app subscribes with clean session off, QoS 1, then stops.
    let mark = logMark(broker)
    let app = await startApp(dataDir)
    const api = await connectWsApi(app.url)
    await api.invoke('settings:save-profile', {
      profile: {
        id: 'poison',
        name: 'Poison',
        host: broker.host,
        port: broker.ports.anonymous,
        clientId: CLIENT_ID,
        clean: false,
        topics: [{ filter: 'poison/#', qos: 1 }]
      }
    })
    await api.invoke('connection:open', { profileId: 'poison' })
    await waitForSubscribe(broker, CLIENT_ID, mark)
    await api.close()
    mark = logMark(broker)
    expect(await stopApp(app)).toBe(0)
    await waitForLog(
      broker,
      new RegExp(`Client ${CLIENT_ID} (disconnected|closed its connection)`),
      mark
    )

    // 2. While it is away, the poison is queued for it, then one good reading.
    const publisher = await mqtt.connectAsync(broker.url('anonymous'), { clientId: 'poisoner' })
    await publisher.publishAsync('poison/deep', '['.repeat(100_000) + ']'.repeat(100_000), {
      qos: 1
    })
    await publisher.publishAsync(
      'poison/wide',
      Array.from({ length: 70_000 }, (_, i) => i % 10).join(','),
      { qos: 1 }
    )
    await publisher.publishAsync('poison/good', '21.5,1013.2,76.1', { qos: 1 })
    await publisher.endAsync()

    // 3. Three starts in a row: each stays up and answers. The first receives the poison and
    // counts it; acknowledged then, it is not delivered again.
    for (let start = 1; start <= 3; start++) {
      app = await startApp(dataDir)
      const live = await connectWsApi(app.url)
      let topics: TopicStat[] = []
      await waitUntil(
        async () => {
          const statuses = await live.invoke('connection:list')
          topics = (await live.invoke('capture:snapshot', { maxPointsPerSeries: 1 })).topics
          const delivered = start > 1 || topics.filter((t) => t.messages > 0).length === 3
          return statuses[0]?.state === 'connected' && delivered
        },
        `start ${start}: connected${start === 1 ? ' with the three messages counted' : ''}`,
        20_000
      )
      if (start === 1) {
        const byTopic = Object.fromEntries(topics.map((t) => [t.topic, t]))
        expect(byTopic['poison/deep'].lastError).toBe('JSON nested deeper than 64 levels')
        expect(byTopic['poison/wide'].lastError).toContain('more than 1,000 columns')
        expect(byTopic['poison/good'].errors).toBe(0)
      }
      // Still answering after the poison went through.
      expect((await live.invoke('app:info')).mode).toBe('serve')
      await live.close()
      expect(app.child.exitCode, app.output()).toBeNull()
      expect(await stopApp(app)).toBe(0)
    }
  })
})
