import { afterEach, expect, it } from 'vitest'
import { describeWithMosquitto, serveAppsPerTest } from '../../../../../test-support/vitest-suites'
import { PacketType, startMqttProxy, type MqttProxy } from '../../../../../test-support/mqtt-proxy'
import { waitUntil } from '../../../../../test-support/wait'
import {
  connectProfile,
  connectWsApi,
  seriesValues,
  waitForConnected
} from '../../../../../test-support/ws-api'
import { readings } from '../../../../../test-support/broker-log'

const BROKER = { anonymous: true, password: false, persistence: true }

// The app is killed (as a crash or power loss would) in the middle of a QoS 2 handshake, and
// started again as a new process on the same data folder. The message must arrive exactly once:
// mqtt.js keeps a received, not yet released message in its in-flight store, which used to
// live in memory only, so a PUBREL after the restart found nothing and the message was lost.
describeWithMosquitto('QoS 2 exactly once across a full restart of the app', BROKER, (broker) => {
  const serve = serveAppsPerTest()
  let proxy: MqttProxy | undefined
  afterEach(async () => {
    await proxy?.close()
  })

  it.each([
    ["the broker's release (PUBREL) is lost", 'to-client', PacketType.PUBREL],
    ['our receipt (PUBREC) is lost', 'to-broker', PacketType.PUBREC]
  ] as const)(
    'killed mid-handshake as %s: the message arrives once after the restart',
    async (_what, direction, type) => {
      proxy = await startMqttProxy(broker.ports.anonymous!)
      const clientId = `qos2-restart-${type}`
      const topic = `qos2/restart-${type}`
      const first = await serve()
      let api = await connectWsApi(first.url)
      await connectProfile(api, broker, {
        id: 'lab',
        name: 'Lab',
        host: '127.0.0.1',
        port: proxy.port,
        clientId,
        clean: false,
        topics: [{ filter: topic, qos: 2 }]
      })

      // The link drops mid-handshake and stays down, so the app cannot finish it before it dies.
      const cut = proxy.cutAt(direction, type)
      await broker.publish(topic, readings(1, 7), { qos: 2 })
      await cut
      proxy.refuse(true)
      await first.kill()
      await api.close()

      // A new process on the same data folder connects again (the profile was connected).
      proxy.refuse(false)
      api = await connectWsApi((await serve([], { dataDir: first.dataDir })).url)
      await waitForConnected(api, 'lab')
      // A last message marks the end: a duplicate of 7 would have arrived before it.
      await broker.publish(topic, readings(1, 999), { qos: 2 })
      let got: number[] = []
      await waitUntil(
        async () => (got = await seriesValues(api, topic, 'temperature')).includes(999),
        `999 after the restart (have ${JSON.stringify(got)})`,
        20_000
      )
      expect(got).toEqual([7, 999])
    }
  )
})
