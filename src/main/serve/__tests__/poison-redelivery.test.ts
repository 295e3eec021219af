// Poison payloads on a persistent QoS 1 session: the broker delivers them again at every
// start until they are acknowledged, so one message that crashes the app would crash it at
// every start. The real serve CLI (from source), a real Mosquitto with persistence.
import mqtt from 'mqtt'
import { expect, it } from 'vitest'
import { describeWithMosquitto, serveAppsPerTest } from '../../../../test-support/vitest-suites'
import { logMark, waitForLog } from '../../../../test-support/broker-log'
import { waitUntil } from '../../../../test-support/wait'
import { connectProfile, connectWsApi } from '../../../../test-support/ws-api'
import type { TopicStat } from '../../../shared/types'

const CLIENT_ID = 'poison-app'
const BROKER = { anonymous: true, password: false, persistence: true }

describeWithMosquitto('poison payloads on a persistent session', BROKER, (broker) => {
  const serve = serveAppsPerTest({ fromSource: true })

  it('are counted with their reasons, and the app survives every restart', async () => {
    // 1. The app subscribes with clean session off, QoS 1, then stops.
    let app = await serve()
    const dataDir = app.dataDir
    const api = await connectWsApi(app.url)
    await connectProfile(api, broker, {
      id: 'poison',
      name: 'Poison',
      clientId: CLIENT_ID,
      clean: false,
      topics: [{ filter: 'poison/#', qos: 1 }]
    })
    await api.close()
    const mark = logMark(broker)
    expect(await app.stop()).toBe(0)
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
      app = await serve([], { dataDir })
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
      expect(app.process.exitCode, app.output()).toBeNull()
      expect(await app.stop()).toBe(0)
    }
  })
})
