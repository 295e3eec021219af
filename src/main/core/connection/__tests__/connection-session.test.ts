import * as fs from 'node:fs'
import { expect, it } from 'vitest'
import {
  describeWithMosquitto,
  coreHarnessForSuite
} from '../../../../../test-support/vitest-suites'
import { PacketType, startMqttProxy } from '../../../../../test-support/mqtt-proxy'
import type { Profile, ProtocolVersion, Qos } from '../../../../shared/schemas'
import { logMark, readings, waitForLog } from '../../../../../test-support/broker-log'

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i)

// Room for every message queued while a client is away (Mosquitto keeps 1,000 by default).
const BROKER = { anonymous: true, password: false, persistence: true, maxQueuedMessages: 100_000 }

describeWithMosquitto('persistent sessions (real Mosquitto, persistence on)', BROKER, (broker) => {
  const app = coreHarnessForSuite()

  /** Saves a clean-session-off profile, connects it and waits for the broker's SUBSCRIBE. */
  async function subscribeOnce(id: string, qos: Qos, more: Partial<Profile> = {}): Promise<string> {
    const topic = `session/${id}`
    await app.connect(
      {
        id,
        name: id,
        clientId: `persistent-${id}`,
        clean: false,
        host: '127.0.0.1',
        port: broker.ports.anonymous!,
        topics: [{ filter: topic, qos }],
        ...more
      } as never,
      { broker }
    )
    return topic
  }

  async function disconnect(id: string): Promise<void> {
    const mark = logMark(broker)
    await app.invoke('connection:close', { profileId: id })
    await waitForLog(broker, new RegExp(`Client persistent-${id} disconnected`), mark)
  }

  it.each(['3.1', '3.1.1', '5.0'] as ProtocolVersion[])(
    'MQTT %s: 50 QoS 1 messages published while disconnected all arrive on reconnect',
    async (version) => {
      const id = `offline-${version.replace(/\./g, '')}`
      // sessionExpiry stays 0 in the profile: for 5.0 the connection must still ask for one day.
      const topic = await subscribeOnce(id, 1, { protocolVersion: version, sessionExpiry: 0 })
      await disconnect(id)
      await broker.publish(topic, readings(50), { qos: 1 })
      await app.invoke('connection:open', { profileId: id })
      expect(await app.waitForCount(topic, 'temperature', 50)).toEqual(range(50))
      await app.invoke('connection:close', { profileId: id })
    }
  )

  it('the 50 survive a broker restart and appear in the CSV export', async () => {
    const topic = await subscribeOnce('restart', 1, { protocolVersion: '5.0' })
    await disconnect('restart')
    await broker.publish(topic, readings(50, 100), { qos: 1 })
    await broker.stop()
    await broker.start()
    await app.invoke('connection:open', { profileId: 'restart' })
    expect(await app.waitForCount(topic, 'temperature', 50)).toEqual(range(50, 100))
    const result = await app.invoke('export:start', { exportId: 'restart', topics: [topic] })
    expect(result).toMatchObject({ status: 'done', rows: 50 })
    const csv = fs.readFileSync(`${app.dataDir}/exports/restart.csv`, 'utf8').trimEnd()
    const temperatures = csv
      .split('\r\n')
      .slice(1)
      .map((line) => Number(line.split(',')[3]))
    expect(temperatures).toEqual(range(50, 100))
    await app.invoke('connection:close', { profileId: 'restart' })
  })

  it('QoS 1: disconnecting in the middle of a stream takes each message once, the rest next time', async () => {
    const topic = await subscribeOnce('midstream', 1, { protocolVersion: '5.0' })
    const total = 3000
    const sending = broker.publish(topic, readings(total), { qos: 1 })
    await app.waitForCount(topic, 'temperature', 100)
    // Closed while messages are still arriving: none may be both taken now and sent again.
    await app.invoke('connection:close', { profileId: 'midstream' })
    await sending
    await app.invoke('connection:open', { profileId: 'midstream' })
    const values = await app.waitForCount(topic, 'temperature', total, 30_000)
    await new Promise((r) => setTimeout(r, 500))
    expect(await app.values(topic, 'temperature')).toEqual(range(total))
    expect(values.length).toBe(total)
    await app.invoke('connection:close', { profileId: 'midstream' })
  }, 60_000)

  it('QoS 2: each message exactly once across a disconnect and a broker restart', async () => {
    const topic = await subscribeOnce('qos2', 2)
    await disconnect('qos2')
    await broker.publish(topic, readings(25), { qos: 2 })
    await app.invoke('connection:open', { profileId: 'qos2' })
    await app.waitForCount(topic, 'temperature', 25)
    // The broker goes away under a live connection: the app reconnects on its own.
    await broker.stop()
    await app.waitForState('qos2', 'reconnecting')
    await broker.start()
    await app.waitForState('qos2', 'connected')
    await broker.publish(topic, readings(25, 25), { qos: 2 })
    // A last message marks the end: anything delivered twice would have come before it.
    await broker.publish(topic, readings(1, 999), { qos: 2 })
    const values = await app.waitForCount(topic, 'temperature', 51)
    expect(values).toEqual([...range(50), 999])
    await app.invoke('connection:close', { profileId: 'qos2' })
  })

  it.each([
    ['the PUBREL is lost', 'to-client', PacketType.PUBREL],
    ['our PUBREC is lost', 'to-broker', PacketType.PUBREC]
  ] as const)(
    'QoS 2: exactly once when the link fails mid-handshake (%s)',
    async (_what, direction, type) => {
      const proxy = await startMqttProxy(broker.ports.anonymous!)
      const id = `inflight-${type}`
      try {
        const topic = await subscribeOnce(id, 2, { port: proxy.port })
        const cut = proxy.cutAt(direction, type)
        await broker.publish(topic, readings(1, 7), { qos: 2 })
        await cut
        // The app reconnects by itself; the broker resumes the handshake in the kept session.
        await app.waitForState(id, 'connected')
        await broker.publish(topic, readings(1, 999), { qos: 2 })
        expect(await app.waitForCount(topic, 'temperature', 2)).toEqual([7, 999])
        expect(proxy.connections()).toBe(2)
        await app.invoke('connection:close', { profileId: id })
      } finally {
        await proxy.close()
      }
    }
  )
})
