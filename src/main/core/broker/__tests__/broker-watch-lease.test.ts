import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { describeWithMosquitto } from '../../../../../test-support/vitest-suites'
import { logMark, logSince, waitForLog } from '../../../../../test-support/broker-log'
import { waitUntil } from '../../../../../test-support/wait'
import type { BrokerSysView } from '../../../../shared/broker-types'
import { CoreHarness } from '../../../../../test-support/core-harness'

// Mosquitto logs each granted filter as "<client> <qos> <filter>".
const SYS_SUBSCRIBE = /lease-app 0 \$SYS\/#/

const BROKER = { anonymous: true, password: false, sysInterval: 1 }

describeWithMosquitto('how long the broker view watches $SYS', BROKER, (broker) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlm-lease-'))
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

  const profile = (clientId: string) =>
    ({
      id: 'b',
      name: 'B',
      clientId,
      host: '127.0.0.1',
      port: broker.ports.anonymous!,
      topics: [{ filter: 'x/#', qos: 0 }]
    }) as never

  it('a view that stops renewing (a closed browser tab) stops the watch; a pinned one stays', async () => {
    const app = await CoreHarness.start({ dataDir, broker: { leaseMs: 1500 } })
    const views: BrokerSysView[] = []
    app.on('broker:sys', (v) => views.push(v))
    await app.connect(profile('lease-app'), { broker })
    let mark = logMark(broker)
    await app.invoke('broker:watch', { profileId: 'b', watching: true })
    await waitForLog(broker, SYS_SUBSCRIBE, mark)
    mark = logMark(broker)
    await waitForLog(broker, /Received UNSUBSCRIBE from lease-app/, mark)
    await waitUntil(() => views[views.length - 1]?.status === 'idle', 'the view to go idle')

    const { view } = await app.invoke('broker:watch', {
      profileId: 'b',
      watching: true,
      pinned: true
    })
    expect(view.pinned).toBe(true)
    mark = logMark(broker)
    // Closing a pinned view keeps the watch: no UNSUBSCRIBE, figures keep coming.
    await app.invoke('broker:watch', { profileId: 'b', watching: false })
    const before = (await app.values('$SYS/broker', 'clients_connected')).length
    await app.waitForCount('$SYS/broker', 'clients_connected', before + 2)
    expect(logSince(broker, mark)).not.toMatch(/UNSUBSCRIBE from lease-app/)
    await app.close(false)
  })

  it('a pinned view is remembered: the next start watches as soon as it connects', async () => {
    const mark = logMark(broker)
    const app = await CoreHarness.start({ dataDir })
    await app.invoke('connection:open', { profileId: 'b' })
    await waitForLog(broker, SYS_SUBSCRIBE, mark)
    const unpinned = await app.invoke('broker:watch', {
      profileId: 'b',
      watching: false,
      pinned: false
    })
    expect(unpinned.view).toMatchObject({ pinned: false, watching: false })
    await app.close()
  })
})
