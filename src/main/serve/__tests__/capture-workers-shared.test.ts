// Two capture workers share one subscription ($share/g/plant/#) on a real Mosquitto while
// 10,000 QoS 1 messages are published and the broker restarts once: the union of what they
// store holds every message exactly once, and a retained message reaches neither.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import mqtt from 'mqtt'
import { afterAll, expect, it } from 'vitest'
import { logMark, waitForSubscribe } from '../../../../test-support/broker-log'
import { waitUntil } from '../../../../test-support/wait'
import { postgresForSuite, postgresSkipReason } from '../../../../test-support/postgres-suites'
import { describeWithMosquitto } from '../../../../test-support/vitest-suites'
import { startWorker, type Worker } from './capture-worker'

const MESSAGES = 10_000
const BASE = Date.UTC(2026, 4, 1)
const IN_FLIGHT = 200
const BROKER = {
  anonymous: true,
  password: false,
  persistence: true,
  maxQueuedMessages: 100_000,
  skip: postgresSkipReason()
}

describeWithMosquitto('capture workers sharing a subscription', BROKER, (broker) => {
  const pg = postgresForSuite()
  const dirs: string[] = []
  const workers: Worker[] = []

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()))
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
  })

  const union = async (): Promise<number[]> => {
    const rows = await pg
      .query<{ value: number }>(
        `SELECT r.value FROM shared.readings r JOIN shared.series s ON s.id = r.series_id
          WHERE s.field = 'n' ORDER BY r.value`
      )
      .catch(() => ({ rows: [] as { value: number }[] }))
    return rows.rows.map((r) => r.value)
  }

  it('stores every message once across both workers, through a broker restart', async () => {
    // Retained before the workers subscribe: with retain handling 2 neither gets it.
    await broker.publish('plant/config', JSON.stringify({ ts: BASE - 1000, n: -1 }), {
      qos: 1,
      retain: true
    })
    const mark = logMark(broker)
    for (const id of ['w1', 'w2']) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `worker-${id}-`))
      dirs.push(dir)
      workers.push(
        startWorker(
          [
            ...['--profile', 'plant', '--data-dir', dir],
            ...['--broker', broker.url('anonymous'), '--topic', 'plant/#', '--format', 'json'],
            ...['--share', 'g', '--client-id', id, '--persistent'],
            ...['--store-url', pg.url, '--sslmode', 'disable', '--store-schema', 'shared']
          ],
          { MQTT_MONITOR_STORE_PASSWORD: pg.password }
        )
      )
    }
    for (const [i, worker] of workers.entries()) {
      await worker.waitForLine(/store: caught-up/)
      await waitForSubscribe(broker, `w${i + 1}`, mark)
    }

    const publisher = mqtt.connect(broker.url('anonymous'), {
      clientId: 'publisher',
      reconnectPeriod: 500
    })
    publisher.on('error', () => undefined)
    await new Promise<void>((resolve) => publisher.once('connect', () => resolve()))
    const publish = async (from: number, to: number): Promise<void> => {
      const pending = new Set<Promise<unknown>>()
      for (let n = from; n < to; n++) {
        const sent = publisher.publishAsync(
          `plant/line${n % 4}`,
          JSON.stringify({ ts: BASE + n, n }),
          { qos: 1 }
        )
        pending.add(sent)
        void sent.finally(() => pending.delete(sent))
        if (pending.size >= IN_FLIGHT) await Promise.race(pending)
      }
      await Promise.all(pending)
    }

    await publish(0, MESSAGES / 2)
    // The broker restarts with the first half still on its way to the workers. Mosquitto
    // 2.0.11 forgets shared subscriptions although it reports the sessions present: the
    // workers subscribe again on every connect, and only then does publishing go on (a
    // message published to a shared subscription nobody holds is dropped).
    await broker.stop()
    const restart = logMark(broker)
    await broker.start()
    await waitForSubscribe(broker, 'w1', restart)
    await waitForSubscribe(broker, 'w2', restart)
    if (!publisher.connected)
      await new Promise<void>((resolve) => publisher.once('connect', () => resolve()))
    await publish(MESSAGES / 2, MESSAGES)
    await publisher.endAsync()

    await waitUntil(
      async () => new Set(await union()).size >= MESSAGES,
      `${MESSAGES} distinct messages in the database`,
      60_000
    )
    const codes = await Promise.all(workers.map((w) => w.stop()))
    expect(codes).toEqual([0, 0])
    expect(await union()).toEqual(Array.from({ length: MESSAGES }, (_, n) => n))
    // Both took part, and each stored its own share under its own source.
    const perWorker = workers.map((w) => {
      const line = w.lines.find((l) => / stopped: \d+ readings/.test(l)) ?? ''
      return Number(/stopped: (\d+) readings/.exec(line)?.[1] ?? 0)
    })
    expect(perWorker.every((n) => n > 0)).toBe(true)
    expect(perWorker[0] + perWorker[1]).toBe(MESSAGES)
    const sources = await pg.query<{ n: string }>('SELECT count(*) AS n FROM shared.store_offsets')
    expect(Number(sources.rows[0].n)).toBe(2)
  }, 180_000)
})
