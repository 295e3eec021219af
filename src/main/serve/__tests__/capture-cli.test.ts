// The capture worker's command line: it refuses bad flags in plain words, runs a profile from
// a data folder, and on SIGTERM leaves nothing behind: what it journaled is in the database,
// and what it had not received yet arrives with its next start (a kept MQTT session).
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { logMark, waitForSubscribe } from '../../../../test-support/broker-log'
import { waitUntil } from '../../../../test-support/wait'
import { postgresForSuite, postgresSkipReason } from '../../../../test-support/postgres-suites'
import { describeWithMosquitto } from '../../../../test-support/vitest-suites'
import { CaptureStore } from '../../core/capture/capture-store'
import { startWorker } from './capture-worker'

const CLI = path.resolve('src/main/serve/capture-cli.ts')

function runToExit(args: string[]): { code: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    timeout: 20_000
  })
  return { code: result.status, stderr: result.stderr }
}

describe('the capture CLI refuses bad input in plain words', () => {
  it('an unknown flag, a missing profile, a password in the broker URL', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capture-cli-'))
    try {
      const unknown = runToExit(['--frobnicate'])
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toContain('Unknown option --frobnicate')
      expect(unknown.stderr).toContain('Usage: npm run capture -- --profile NAME')
      expect(runToExit([]).stderr).toContain('--profile is required')
      fs.writeFileSync(
        path.join(dir, 'settings.json'),
        JSON.stringify({ profiles: [{ id: 'a1', name: 'hall', host: 'h', clientId: 'c' }] })
      )
      const missing = runToExit(['--profile', 'plant', '--data-dir', dir])
      expect(missing.code).toBe(2)
      expect(missing.stderr).toContain('There is no profile "plant"')
      expect(missing.stderr).toContain('(there are "hall")')
      const secret = runToExit(['--profile', 'p', '--broker', 'mqtt://u:pw@h:1883', '--topic', 'x'])
      expect(secret.code).toBe(2)
      expect(secret.stderr).toContain('must not hold a password')
      expect(runToExit(['--profile', 'p', '--qos', '3']).stderr).toContain(
        '--qos must be 0, 1 or 2'
      )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

// Mosquitto keeps at most 1,000 messages per client by default: the worker's kept session must
// hold all that arrive while it is stopped.
const BROKER = {
  anonymous: true,
  password: false,
  persistence: true,
  maxQueuedMessages: 100_000,
  skip: postgresSkipReason()
}

describeWithMosquitto('a capture worker from a data folder', BROKER, (broker) => {
  const pg = postgresForSuite()
  let dir: string
  const MESSAGES = 3000
  const BASE = Date.UTC(2026, 3, 1)

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capture-cli-'))
    fs.writeFileSync(
      path.join(dir, 'settings.json'),
      JSON.stringify({
        version: 1,
        profiles: [
          {
            id: 'plant-1',
            name: 'plant',
            host: '127.0.0.1',
            port: broker.ports.anonymous,
            clientId: 'worker-cli-test',
            protocolVersion: '5.0',
            clean: false,
            topics: [{ filter: 'plant/#', qos: 1, decoder: { format: 'json' } }]
          }
        ],
        store: { enabled: true, url: pg.url, sslmode: 'disable', schema: 'cli' }
      })
    )
  })
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  const stored = async (): Promise<number[]> => {
    const rows = await pg
      .query<{ value: number }>('SELECT value FROM cli.readings ORDER BY value')
      .catch(() => ({ rows: [] as { value: number }[] }))
    return rows.rows.map((r) => r.value)
  }

  const journaled = async (): Promise<number> => {
    const capture = await CaptureStore.open({ dir: path.join(dir, 'captures'), ringPoints: 16 })
    const count = capture.list().reduce((n, c) => n + c.messages, 0)
    await capture.close()
    return count
  }

  it('stores what it journaled when stopped, and the rest at its next start: nothing lost', async () => {
    const env = { MQTT_MONITOR_STORE_PASSWORD: pg.password }
    const args = ['--profile', 'plant', '--data-dir', dir]
    const mark = logMark(broker)
    let worker = startWorker(args, env)
    await worker.waitForLine(/connection "plant": connected/)
    await waitForSubscribe(broker, 'worker-cli-test', mark)
    await worker.waitForLine(/store: caught-up/)
    const payloads = Array.from({ length: MESSAGES }, (_, n) => JSON.stringify({ ts: BASE + n, n }))
    await broker.publish('plant/line1', payloads, { qos: 1 })
    // Stopped at once: some messages may still be on their way from the broker.
    expect(await worker.stop()).toBe(0)
    expect(worker.lines.some((l) => /SIGTERM: stopping/.test(l))).toBe(true)
    expect(worker.lines.at(-1)).toMatch(/ info stopped: \d+ readings stored in this run$/)
    // Everything it journaled reached the database before it exited.
    const first = await stored()
    expect(first.length).toBe(await journaled())
    expect(first.length).toBeGreaterThan(0)

    // The kept session holds what was not delivered: the next start gets it.
    worker = startWorker(args, env)
    await worker.waitForLine(/connection "plant": connected/)
    await waitUntil(async () => (await stored()).length >= MESSAGES, `${MESSAGES} readings`, 30_000)
    expect(await worker.stop()).toBe(0)
    expect(await stored()).toEqual(Array.from({ length: MESSAGES }, (_, n) => n))
    expect(await journaled()).toBe(MESSAGES)
    const offsets = await pg.query<{ n: string }>('SELECT count(*) AS n FROM cli.store_offsets')
    expect(Number(offsets.rows[0].n)).toBe(1)
    expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).not.toContain(pg.password)
  }, 120_000)
})
