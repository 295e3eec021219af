import * as crypto from 'node:crypto'
import mqtt from 'mqtt'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { CoreHarness } from '../../../../../test-support/core-harness'
import {
  coreHarnessForSuite,
  describeWithMosquitto
} from '../../../../../test-support/vitest-suites'
import { waitUntil } from '../../../../../test-support/wait'
import { fieldsOf, NODE_RETAINED, type TopicDelta } from '../../../../shared/topic-types'
import { dispatch } from '../../dispatch'

/** The node id of a topic, from the whole tree as the UI loads it. */
async function nodeOf(app: CoreHarness, profileId: string, topic: string): Promise<number> {
  let id = -1
  await waitUntil(async () => {
    const snap = await app.invoke('topics:snapshot')
    const root = snap.roots.find((r) => r.profileId === profileId)
    if (!root) return false
    const names = new Map<number, { parent: number; name: string }>()
    snap.newIds.forEach((n, i) =>
      names.set(n, { parent: snap.newParents[i], name: snap.newNames[i] })
    )
    const full = (n: number): string => {
      const e = names.get(n)!
      return e.parent === root.id ? e.name : `${full(e.parent)}/${e.name}`
    }
    const topicFlags = new Set([...snap.ids].filter((_, i) => snap.flags[i] & 1))
    for (const n of topicFlags) if (n !== root.id && full(n) === topic) id = n
    return id >= 0
  }, `${topic} in the tree`)
  return id
}

describeWithMosquitto('the topic explorer (real Mosquitto)', { password: false }, (broker) => {
  const app = coreHarnessForSuite()
  let client: mqtt.MqttClient

  beforeAll(async () => {
    await app.connect(
      {
        id: 'v5',
        name: 'Plant',
        host: '127.0.0.1',
        port: broker.ports.anonymous!,
        protocolVersion: '5.0',
        topics: [{ filter: 'plant/#', qos: 1 } as never]
      },
      { broker }
    )
    client = await mqtt.connectAsync(broker.url('anonymous'), {
      protocolVersion: 5,
      clientId: 'topics-test-pub'
    })
  })
  afterAll(async () => {
    await client?.endAsync()
  })

  it('keeps each message with its QoS, retain flag and MQTT 5 properties, and counts it in the tree', async () => {
    const deltas: TopicDelta[] = []
    const off = app.on('topics:delta', (d) => deltas.push(d))
    await client.publishAsync('plant/line1/dev7/bme', '22.31,1013.25,76.12', {
      qos: 1,
      retain: true,
      properties: {
        contentType: 'text/csv',
        payloadFormatIndicator: true,
        messageExpiryInterval: 3600,
        responseTopic: 'plant/replies',
        correlationData: Buffer.from([1, 2, 0xff]),
        userProperties: { site: 'Lyon', unit: ['C', 'hPa'] }
      }
    })
    const id = await nodeOf(app, 'v5', 'plant/line1/dev7/bme')
    const history = await app.invoke('topics:history', { nodeId: id })
    expect(history).toMatchObject({
      connection: 'Plant',
      topic: 'plant/line1/dev7/bme',
      received: 1,
      kept: 1
    })
    const [m] = history.messages
    expect(new TextDecoder().decode(m.payload)).toBe('22.31,1013.25,76.12')
    // MQTT 5 subscriptions ask for retain-as-published: a live retained message says so.
    expect([m.qos, m.retain, m.size]).toEqual([1, true, 19])
    expect(m.props).toEqual({
      contentType: 'text/csv',
      payloadFormat: 1,
      expirySeconds: expect.any(Number),
      responseTopic: 'plant/replies',
      correlationData: new Uint8Array([1, 2, 0xff]),
      userProperties: [
        ['site', 'Lyon'],
        ['unit', 'C'],
        ['unit', 'hPa']
      ]
    })
    expect(m.props!.expirySeconds).toBeLessThanOrEqual(3600)
    expect(m.values).toEqual([
      { field: 'temperature', value: 22.31 },
      { field: 'pressure', value: 1013.25 },
      { field: 'altitude', value: 76.12 }
    ])
    const [preview] = await app.invoke('topics:preview', { ids: [id] })
    expect(preview).toEqual({
      id,
      kind: 'values',
      text: 'temperature 22.31 · pressure 1013.25 · altitude 76.12'
    })
    await waitUntil(() => deltas.some((d) => [...d.ids].includes(id)), 'a delta with the topic')
    const d = deltas.find((x) => x.fieldIds.includes(id))!
    expect(fieldsOf(d).find((f) => f.id === id)!.names).toEqual([
      'temperature',
      'pressure',
      'altitude'
    ])
    off()
  })

  it('marks a retained message as retained for a new subscription, and previews text and bytes', async () => {
    await client.publishAsync('plant/line2/dev3/meta', '{"model":"BMP280"}', {
      qos: 1,
      retain: true
    })
    await client.publishAsync('plant/line2/dev3/status', 'warn', { qos: 1 })
    await client.publishAsync('plant/line2/dev3/struct', Buffer.from([0, 0, 0xb2, 0x41, 0xff]), {
      qos: 1
    })
    const later = await CoreHarness.start()
    try {
      await later.connect(
        {
          id: 'late',
          name: 'Late',
          host: '127.0.0.1',
          port: broker.ports.anonymous!,
          topics: [{ filter: 'plant/line2/#', qos: 1 } as never]
        },
        { broker }
      )
      const meta = await nodeOf(later, 'late', 'plant/line2/dev3/meta')
      const snap = await later.invoke('topics:snapshot')
      expect(snap.flags[[...snap.ids].indexOf(meta)] & NODE_RETAINED).toBe(NODE_RETAINED)
      const history = await later.invoke('topics:history', { nodeId: meta })
      expect(history.messages[0].retain).toBe(true)
    } finally {
      await later.close()
    }
    const status = await nodeOf(app, 'v5', 'plant/line2/dev3/status')
    const struct = await nodeOf(app, 'v5', 'plant/line2/dev3/struct')
    expect(await app.invoke('topics:preview', { ids: [status, struct] })).toEqual([
      { id: status, kind: 'text', text: 'warn' },
      { id: struct, kind: 'hex', text: '00 00 b2 41 ff' }
    ])
  })

  it('hands out a large payload whole, page by page, saying its full size', async () => {
    const big = crypto.randomBytes(200_000)
    await client.publishAsync('plant/blob', big, { qos: 1 })
    const id = await nodeOf(app, 'v5', 'plant/blob')
    const [m] = (await app.invoke('topics:history', { nodeId: id })).messages
    expect([m.size, m.payload.byteLength]).toEqual([200_000, 65_536])
    const parts: Uint8Array[] = []
    for (let offset = 0; offset < m.size; offset += 65_536) {
      const page = await app.invoke('topics:payload', {
        nodeId: id,
        seq: m.seq,
        offset,
        length: 65_536
      })
      expect(page.size).toBe(200_000)
      parts.push(page.bytes)
    }
    expect(Buffer.concat(parts).equals(big)).toBe(true)
  })

  it('publishes text, checked JSON and hex with MQTT 5 properties, and remembers them for resending', async () => {
    const seen: { topic: string; payload: Buffer; packet: mqtt.IPublishPacket }[] = []
    const sub = await mqtt.connectAsync(broker.url('anonymous'), { protocolVersion: 5 })
    try {
      await sub.subscribeAsync('out/#', { qos: 1 })
      sub.on('message', (topic, payload, packet) => seen.push({ topic, payload, packet }))
      await app.invoke('topics:publish', {
        profileId: 'v5',
        topic: 'out/json',
        format: 'json',
        payload: '{"temp": 21.5}',
        qos: 1,
        properties: { contentType: 'application/json', userProperties: [['origin', 'test']] }
      })
      const result = await app.invoke('topics:publish', {
        profileId: 'v5',
        topic: 'out/hex',
        format: 'hex',
        payload: 'cd cc b2 41\n00 ff',
        qos: 2,
        properties: { correlationData: '0a0b' }
      })
      expect(result.bytes).toBe(6)
      await waitUntil(() => seen.length === 2, 'both publishes at a subscriber')
      expect(seen[0].payload.toString()).toBe('{"temp": 21.5}')
      expect(seen[0].packet.properties?.contentType).toBe('application/json')
      expect(seen[0].packet.properties?.userProperties).toEqual({ origin: 'test' })
      expect([...seen[1].payload]).toEqual([0xcd, 0xcc, 0xb2, 0x41, 0x00, 0xff])
      expect([...seen[1].packet.properties!.correlationData!]).toEqual([10, 11])
      expect(result.recent.map((r) => r.topic)).toEqual(['out/hex', 'out/json'])
      // Remembered with the settings.
      const settings = await app.invoke('settings:get')
      expect(settings.explorer.recent.map((r) => [r.topic, r.format, r.payload])).toEqual([
        ['out/hex', 'hex', 'cd cc b2 41\n00 ff'],
        ['out/json', 'json', '{"temp": 21.5}']
      ])
    } finally {
      await sub.endAsync()
    }
  })

  it('refuses in plain words what it cannot send, and sends nothing', async () => {
    const refused = (req: object) =>
      app.invoke('topics:publish', {
        profileId: 'v5',
        topic: 'out/x',
        payload: '',
        ...req
      } as never)
    await expect(refused({ format: 'json', payload: '{"a": 1,}' })).rejects.toThrow(
      /not valid JSON/
    )
    await expect(refused({ format: 'hex', payload: 'abc' })).rejects.toThrow(/two digits per byte/)
    await expect(refused({ topic: 'out/+' })).rejects.toThrow(/cannot contain \+ or #/)
    await expect(refused({ profileId: 'nobody' })).rejects.toThrow(/no connection profile/)
    await app.saveProfile({
      id: 'v3',
      name: 'Old',
      host: '127.0.0.1',
      port: broker.ports.anonymous!
    })
    await expect(refused({ profileId: 'v3' })).rejects.toThrow(/Old is not connected/)
  })

  it('clears a retained message: a fresh subscriber then gets nothing', async () => {
    await client.publishAsync('plant/clear/me', 'keep', { qos: 1, retain: true })
    await app.invoke('topics:publish', {
      profileId: 'v5',
      topic: 'plant/clear/me',
      payload: '',
      retain: true,
      qos: 1,
      remember: false
    })
    const fresh = await mqtt.connectAsync(broker.url('anonymous'))
    try {
      const got: string[] = []
      fresh.on('message', (topic) => got.push(topic))
      await fresh.subscribeAsync('plant/clear/#', { qos: 1 })
      await fresh.publishAsync('plant/clear/marker', 'm', { qos: 1 })
      await waitUntil(() => got.includes('plant/clear/marker'), 'the marker')
      expect(got).toEqual(['plant/clear/marker'])
    } finally {
      await fresh.endAsync()
    }
  })

  it('applies a new history budget at once and remembers it', async () => {
    const id = await nodeOf(app, 'v5', 'plant/blob')
    expect((await app.invoke('topics:history', { nodeId: id })).budgetBytes).toBe(64 * 1024 * 1024)
    const saved = await app.invoke('topics:save-settings', { historyMB: 0, perTopic: 10 })
    expect(saved).toMatchObject({ historyMB: 0, perTopic: 10 })
    const after = await app.invoke('topics:history', { nodeId: id })
    expect([after.budgetBytes, after.usedBytes, after.kept, after.perTopic]).toEqual([0, 0, 0, 10])
    expect((await app.invoke('settings:get')).explorer).toMatchObject({ historyMB: 0 })
    await app.invoke('topics:save-settings', { historyMB: 64, perTopic: 1000 })
  })

  it('refuses publishing and explorer settings on a read-only dashboard', async () => {
    for (const [channel, req] of [
      ['topics:publish', { profileId: 'v5', topic: 'out/ro', payload: 'x' }],
      ['topics:save-settings', { historyMB: 1 }]
    ] as const) {
      const answer = await dispatch(app.core.handlers, channel, req, { readOnly: true })
      expect(answer).toMatchObject({ ok: false, error: { code: 'read-only' } })
    }
  })
})

describeWithMosquitto(
  '$SYS in the topic tree (real Mosquitto)',
  { password: false, sysInterval: 1 },
  (broker) => {
    const app = coreHarnessForSuite()

    it('shows the broker’s $SYS topics when the profile subscribes to them', async () => {
      await app.connect(
        {
          id: 'sys',
          name: 'Sys',
          host: '127.0.0.1',
          port: broker.ports.anonymous!,
          topics: [{ filter: '$SYS/#', qos: 0 } as never]
        },
        { broker }
      )
      const uptime = await nodeOf(app, 'sys', '$SYS/broker/uptime')
      const [preview] = await app.invoke('topics:preview', { ids: [uptime] })
      expect(preview.text).toMatch(/seconds/)
    })
  }
)
