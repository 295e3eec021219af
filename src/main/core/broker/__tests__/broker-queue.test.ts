import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { beforeAll, expect, it } from 'vitest'
import {
  describeWithMosquitto,
  coreHarnessForSuite
} from '../../../../../test-support/vitest-suites'
import { logMark, waitForLog } from '../../../../../test-support/broker-log'
import {
  drainV5,
  EXPIRY_SECONDS,
  QUEUE_BROKER,
  runQueueScenario,
  saveNow,
  type QueueScenario
} from '../../../../../test-support/queue-scenario'
import { waitUntil } from '../../../../../test-support/wait'
import type { BrokerSysView, QshapeOptionsInput } from '../../../../shared/broker-types'

const run = promisify(execFile)
/** Ages of the two batches land in the first two columns: under 6 s, and 6 to 12 s. */
const AGES: QshapeOptionsInput = { intervalSeconds: EXPIRY_SECONDS, firstBucketMinutes: 0.1 }
const GAP_MS = 7000

// What the queue scenario needs: persistence saved on request, 5 queued per client, $SYS.
const BROKER = QUEUE_BROKER

describeWithMosquitto('the broker view and the queue table (real Mosquitto)', BROKER, (broker) => {
  const app = coreHarnessForSuite()
  let scenario: QueueScenario
  const views: BrokerSysView[] = []
  const latest = (): BrokerSysView | undefined => views[views.length - 1]

  beforeAll(async () => {
    app.on('broker:sys', (view) => views.push(view))
    await app.connect(
      {
        id: 'broker',
        name: 'Broker',
        clientId: 'qshape-app',
        host: '127.0.0.1',
        port: broker.ports.anonymous!,
        topics: [{ filter: 'app/#', qos: 0 }]
      } as never,
      { broker }
    )
  })

  const qshape = (options: QshapeOptionsInput = AGES) =>
    app.invoke('broker:qshape', { profileId: 'broker', file: broker.persistenceFile, options })

  it('the broker view shows live $SYS figures and captures them as series', async () => {
    const { view } = await app.invoke('broker:watch', { profileId: 'broker', watching: true })
    expect(view).toMatchObject({ watching: true, pinned: false, topic: '$SYS/broker' })
    await waitUntil(
      () => latest()?.status === 'receiving' && latest()?.uptimeSeconds !== null,
      'the first $SYS figures'
    )
    expect(latest()!.version).toBe('mosquitto version 2.0.11')
    // The retained value may predate our connection; the next update counts it.
    const connected = () => latest()!.figures.find((f) => f.field === 'clients_connected')!.value
    await waitUntil(() => (connected() ?? 0) >= 1, 'clients connected to count this app')
    // Rates need two updates after the first.
    await waitUntil(
      () => latest()!.figures.find((f) => f.field === 'messages_out')!.value !== null,
      'a message rate'
    )
    const values = await app.waitForCount('$SYS/broker', 'clients_connected', 2)
    expect(values[values.length - 1]).toBeGreaterThanOrEqual(1)
    const snapshot = await app.invoke('capture:snapshot', {})
    const units = Object.fromEntries(
      snapshot.defs.filter((d) => d.topic === '$SYS/broker').map((d) => [d.field, d.unit])
    )
    expect(units).toMatchObject({
      clients_connected: 'clients',
      messages_in: 'msg/s',
      bytes_out: 'B/s'
    })
    // The $SYS topics went to the view, not to the decoder of the profile's topics.
    expect(snapshot.topics.map((t) => t.topic)).toEqual(['$SYS/broker'])
  })

  it('the queue table shows what each offline client has waiting, by age, with drops from $SYS and the log', async () => {
    scenario = await runQueueScenario(broker, 'q', GAP_MS)
    await saveNow(broker)
    await waitUntil(
      () => latest()?.droppedTotal === scenario.expected.dropped && latest()!.drops.length > 0,
      `$SYS to report ${scenario.expected.dropped} dropped messages and the log a drop event`
    )
    expect(latest()!.drops).toEqual([
      { clientId: scenario.v311, count: 1, lastAt: expect.any(Number) }
    ])

    const result = await qshape()
    expect(result.problem).toBeNull()
    const zeros = new Array(8).fill(0)
    const { v5, v311 } = scenario.expected
    expect(result.table.labels).toEqual([
      '0.1',
      '0.2',
      '0.4',
      '0.8',
      '1.6',
      '3.2',
      '6.4',
      '12.8',
      '25.6',
      '25.6+'
    ])
    expect(result.table.total).toEqual({
      name: 'TOTAL',
      total: v5.total + v311.total,
      buckets: [v5.recent + v311.recent, v5.old + v311.old, ...zeros],
      unknown: v5.unknown + v311.unknown
    })
    expect(result.table.rows).toEqual([
      { name: scenario.v311, total: 5, buckets: [1, 3, ...zeros], unknown: 1, state: 'offline' },
      { name: scenario.v5, total: 4, buckets: [1, 2, ...zeros], unknown: 1, state: 'offline' }
    ])
    expect(result.counts).toMatchObject({ sessions: 2, subscriptions: 2 })
    expect(result.notes.join(' ')).toMatch(/2 messages carry no expiry interval/)

    const byPublisher = await qshape({ ...AGES, groupBy: 'publisher' })
    expect(byPublisher.table.rows.map((r) => [r.name, r.total])).toEqual([
      [scenario.publisherA, 5],
      [scenario.publisherB, 4]
    ])
    const byTopic = await qshape({ ...AGES, groupBy: 'topic', topicLevels: 2 })
    expect(byTopic.table.rows.map((r) => [r.name, r.total])).toEqual([
      ['plant/a', 4],
      ['plant/b', 3],
      ['plant/c', 2]
    ])
  })

  it('npm run qshape prints the same counts as the app on the same file', async () => {
    const result = await qshape()
    const { stdout } = await run(
      'npm',
      ['run', '-s', 'qshape', '--', broker.persistenceFile, '--interval', '3600', '-t', '0.1'],
      { cwd: process.cwd() }
    )
    const lines = stdout.trim().split('\n')
    expect(lines[0].trim().split(/\s+/)).toEqual(['T', ...result.table.labels, 'unknown', 'state'])
    const counts = (line: string) =>
      line
        .trim()
        .split(/\s+/)
        .slice(0, 2 + result.table.labels.length + 1)
    const expected = [result.table.total, ...result.table.rows].map((r) =>
      [r.name, r.total, ...r.buckets, r.unknown].map(String)
    )
    expect(lines.slice(1).map(counts)).toEqual(expected)
  })

  it('after the MQTT 5 client reconnects and drains, a refresh shows its row gone', async () => {
    const received = await drainV5(broker, scenario)
    expect(received.sort()).toEqual([
      'plant/a/temp',
      'plant/a/temp',
      'plant/b/temp',
      'plant/c/temp'
    ])
    await saveNow(broker)
    const result = await qshape()
    expect(result.table.rows.map((r) => [r.name, r.total])).toEqual([[scenario.v311, 5]])
    expect(result.table.total.total).toBe(5)
  })

  it('closing the view unsubscribes from $SYS', async () => {
    const mark = logMark(broker)
    const { view } = await app.invoke('broker:watch', { profileId: 'broker', watching: false })
    expect(view).toMatchObject({ watching: false, status: 'idle' })
    await waitForLog(broker, /Received UNSUBSCRIBE from qshape-app/, mark)
  })
})

const SILENT = { anonymous: true, password: false, sysInterval: 0 }

describeWithMosquitto('a broker that publishes no $SYS (sys_interval 0)', SILENT, (broker) => {
  const app = coreHarnessForSuite()

  it('gets a plain sentence after a short wait, not an empty view', async () => {
    const views: BrokerSysView[] = []
    app.on('broker:sys', (v) => views.push(v))
    await app.connect(
      {
        id: 'quiet',
        name: 'Quiet',
        clientId: 'quiet-app',
        host: '127.0.0.1',
        port: broker.ports.anonymous!,
        topics: [{ filter: 'x', qos: 0 }]
      } as never,
      { broker }
    )
    await app.invoke('broker:watch', { profileId: 'quiet', watching: true })
    await waitUntil(() => views.some((v) => v.status === 'silent'), 'the silent status')
    const silent = views.find((v) => v.status === 'silent')!
    expect(silent.message).toBe(
      'The broker sent no $SYS figures within 5 seconds of subscribing: it may not publish them (Mosquitto with sys_interval 0), or an access rule hides $SYS from this client.'
    )
    expect(silent.figures.every((f) => f.value === null)).toBe(true)
  })
})
