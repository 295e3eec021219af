// Back-pressure: with the database down, the app goes on capturing, the store's lag grows and
// is told; retention keeps what the database does not have yet (and says so); when the
// database is back the lag returns to zero and every reading is there once.
import { beforeAll, expect, it } from 'vitest'
import type { StoreStatus } from '../../../../shared/store-types'
import { waitUntil } from '../../../../../test-support/wait'
import { postgresForSuite, postgresSkipReason } from '../../../../../test-support/postgres-suites'
import {
  coreHarnessForSuite,
  describeWithMosquitto
} from '../../../../../test-support/vitest-suites'

const PART_BYTES = 32 * 1024
const RETENTION_BYTES = 96 * 1024
const BASE = Date.UTC(2026, 5, 1)
const BROKER = { anonymous: true, password: false, skip: postgresSkipReason() }

describeWithMosquitto('the store while the database is down', BROKER, (broker) => {
  const pg = postgresForSuite()
  const app = coreHarnessForSuite({
    capture: { partBytes: PART_BYTES, retentionBytes: RETENTION_BYTES },
    // Free space is looked at often here, and any free space counts as low: the warning's
    // path runs without filling a disk.
    store: { tuning: { idleMs: 100, lowDiskBytes: Number.MAX_SAFE_INTEGER, diskEveryMs: 200 } }
  })
  const statuses: StoreStatus[] = []

  beforeAll(() => {
    app.on('store:status', (s) => statuses.push(s))
  })

  const latest = (): StoreStatus | undefined => statuses.at(-1)
  const waitForStore = (check: (s: StoreStatus) => boolean, what: string, ms = 30_000) =>
    waitUntil(
      () => !!latest() && check(latest()!),
      `${what} (store ${JSON.stringify(latest())})`,
      ms
    )
  const stored = async (): Promise<number[]> =>
    (
      await pg.query<{ value: number }>('SELECT value FROM pressure.readings ORDER BY value')
    ).rows.map((r) => r.value)
  const publish = (from: number, count: number): Promise<void> =>
    broker.publish(
      'plant/a',
      Array.from({ length: count }, (_, i) => JSON.stringify({ ts: BASE + from + i, n: from + i })),
      { qos: 1 }
    )

  it('captures on, shows the lag growing, keeps unstored parts, and catches up to zero', async () => {
    const view = await app.invoke('store:save', {
      settings: { enabled: true, url: pg.url, sslmode: 'disable', caFile: '', schema: 'pressure' },
      password: { action: 'set', value: pg.password }
    })
    expect(view.hasPassword).toBe(true)
    await waitForStore((s) => s.state === 'caught-up', 'the store to connect')
    await app.connect(
      {
        id: 'plant',
        name: 'plant',
        host: '127.0.0.1',
        port: broker.ports.anonymous!,
        topics: [{ filter: 'plant/#', qos: 1, decoder: { format: 'json' } }]
      } as never,
      { broker }
    )
    await publish(0, 500)
    await app.waitForCount('plant/a', 'n', 500)
    await waitForStore(
      (s) => s.state === 'caught-up' && s.lagRows === 0 && s.storedRows === 500,
      'the first 500 stored'
    )

    await pg.stop()
    const lags: number[] = []
    for (let round = 1; round <= 4; round++) {
      await publish(round * 1000 - 500, 1000)
      // Capture goes on: the charts have every reading.
      await app.waitForCount('plant/a', 'n', round * 1000 + 500)
      await waitForStore(
        (s) => s.state === 'retrying' && s.lagRows >= round * 1000,
        `a lag of ${round * 1000} messages`
      )
      lags.push(latest()!.lagRows)
    }
    expect(lags).toEqual([...lags].sort((a, b) => a - b))
    expect(lags.at(-1)).toBe(4000)
    const shown = await app.invoke('store:get')
    expect(shown.status).toMatchObject({ state: 'retrying', lagRows: 4000 })
    expect(shown.status.lagSeconds).toBeGreaterThan(3.9)
    expect(shown.status.message).toMatch(/refused the connection|cannot be reached|lost/)
    expect(shown.status.nextRetryAt).toBeGreaterThan(Date.now() - 60_000)
    // Retention would drop the oldest parts; they are not in the database, so they stay.
    const captured = (await app.invoke('capture:list')).reduce((n, c) => n + c.bytes, 0)
    expect(captured).toBeGreaterThan(RETENTION_BYTES)
    await waitUntil(
      () =>
        app.notices.some((n) =>
          /not yet in the database are kept until it takes them/.test(n.message)
        ),
      'the retention warning'
    )
    await waitUntil(
      () => app.notices.some((n) => /free and the database cannot be reached/.test(n.message)),
      'the disk warning'
    )

    await pg.start()
    await waitForStore((s) => s.state === 'caught-up' && s.lagRows === 0, 'caught up again', 60_000)
    expect(latest()!.lagSeconds).toBe(0)
    expect(await stored()).toEqual(Array.from({ length: 4500 }, (_, n) => n))
    // Stored, the oldest parts may go now: the captures shrink back towards their limit.
    await waitUntil(
      async () =>
        (await app.invoke('capture:list')).reduce((n, c) => n + c.bytes, 0) <=
        RETENTION_BYTES + PART_BYTES,
      'retention to apply once the parts are stored'
    )
  }, 180_000)
})
