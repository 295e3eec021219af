import mqtt from 'mqtt'
import { expect, it } from 'vitest'
import {
  describeWithMosquitto,
  coreHarnessForSuite
} from '../../../../../test-support/vitest-suites'
import { startMqttProxy } from '../../../../../test-support/mqtt-proxy'
import { willSchema, type Profile } from '../../../../shared/schemas'
import { logMark, readings, waitForLog } from '../../../../../test-support/broker-log'

const BROKER = { anonymous: true, password: true, websockets: true }

describeWithMosquitto('listeners and MQTT versions (real Mosquitto)', BROKER, (broker) => {
  const app = coreHarnessForSuite()

  /** Connects `profile`, waits for the broker to have its QoS 1 subscription, publishes 3. */
  async function qos1RoundTrip(profile: Partial<Profile> & { id: string }, password?: string) {
    const topic = `proto/${profile.id}`
    const log = await app.connect(
      {
        name: profile.id,
        clientId: `client-${profile.id}`,
        host: '127.0.0.1',
        port: broker.ports.anonymous!,
        topics: [{ filter: topic, qos: 1 }],
        ...profile
      } as never,
      { password, broker }
    )
    await broker.publish(topic, readings(3, 10), { qos: 1 })
    expect(await app.waitForCount(topic, 'temperature', 3)).toEqual([10, 11, 12])
    await app.invoke('connection:close', { profileId: profile.id })
    return log
  }

  // Mosquitto logs the protocol as p1 (3.1, "MQIsdp"), p2 (3.1.1) or p5 (5.0).
  it.each([
    ['3.1', 'p1'],
    ['3.1.1', 'p2'],
    ['5.0', 'p5']
  ] as const)('MQTT %s completes a QoS 1 round trip', async (version, logged) => {
    const id = `v${version.replace(/\./g, '')}`
    const log = await qos1RoundTrip({ id, protocolVersion: version, keepalive: 17 })
    expect(log).toMatch(new RegExp(`as client-${id} \\(${logged}, c1, k17\\)`))
  })

  it('the password listener completes a QoS 1 round trip', async () => {
    await qos1RoundTrip(
      { id: 'pw', port: broker.ports.password!, username: 'sensor' },
      broker.users.sensor
    )
  })

  it('the websockets listener completes a QoS 1 round trip (MQTT 5 over ws)', async () => {
    const log = await qos1RoundTrip({
      id: 'ws',
      transport: 'ws',
      port: broker.ports.websockets!,
      path: '/mqtt',
      protocolVersion: '5.0'
    })
    expect(log).toMatch(/as client-ws \(p5, c1/)
  })

  it('has the broker publish the last will when the connection drops', async () => {
    const proxy = await startMqttProxy(broker.ports.anonymous!)
    const watcher = await mqtt.connectAsync(broker.url('anonymous'), { reconnectPeriod: 0 })
    try {
      const will = new Promise<{ topic: string; payload: string; qos: number; retain: boolean }>(
        (resolve) =>
          watcher.on('message', (topic, payload, packet) =>
            resolve({
              topic,
              payload: payload.toString(),
              qos: packet.qos,
              retain: packet.retain
            })
          )
      )
      await watcher.subscribeAsync('will/lab', { qos: 1 })
      const mark = logMark(broker)
      await app.connect({
        id: 'will',
        name: 'will',
        clientId: 'client-will',
        host: '127.0.0.1',
        port: proxy.port,
        will: willSchema.parse({
          enabled: true,
          topic: 'will/lab',
          payload: 'monitor offline',
          qos: 1,
          retain: false
        }),
        topics: []
      } as never)
      await waitForLog(broker, /New client connected .* as client-will/, mark)
      // A network failure: the broker sees the socket go without a DISCONNECT.
      await proxy.close()
      expect(await will).toEqual({
        topic: 'will/lab',
        payload: 'monitor offline',
        qos: 1,
        retain: false
      })
      await app.invoke('connection:close', { profileId: 'will' })
    } finally {
      await watcher.endAsync(true)
      await proxy.close()
    }
  })
})
