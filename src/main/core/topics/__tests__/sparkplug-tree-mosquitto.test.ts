// Sparkplug B state in the topic tree: births, a seq gap, DDEATH, NDEATH and a rebirth
// published through a real Mosquitto (payloads encoded by protobufjs from the specification's
// .proto), and what the topics channel (snapshot and deltas) says of the edge node and device.
import mqtt from 'mqtt'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { CoreHarness } from '../../../../../test-support/core-harness'
import {
  coreHarnessForSuite,
  describeWithMosquitto
} from '../../../../../test-support/vitest-suites'
import { waitUntil } from '../../../../../test-support/wait'
import type { TopicDelta, TreeSparkplugState } from '../../../../shared/topic-types'
import { sparkplugPayloadType } from '../../decode/sparkplug/sparkplug-payload'

const T = sparkplugPayloadType()
const encode = (payload: object): Buffer => Buffer.from(T.encode(T.fromObject(payload)).finish())

const G = 'spBv1.0/Works'
const nbirth = (bdSeq: number) => ({
  timestamp: 1000,
  seq: 0,
  metrics: [
    { name: 'bdSeq', datatype: 4, long_value: bdSeq },
    { name: 'Supply', alias: 1, datatype: 9, float_value: 230.5 }
  ]
})
const dbirth = {
  timestamp: 1001,
  seq: 1,
  metrics: [{ name: 'Level', alias: 5, datatype: 10, double_value: 1.5 }]
}
const ddata = (seq: number, v: number) => ({
  timestamp: 1002 + seq,
  seq,
  metrics: [{ alias: 5, datatype: 10, double_value: v }]
})

/** Every tree node's topic and Sparkplug state, from the whole tree as the UI loads it. */
async function treeStates(
  app: CoreHarness,
  profileId: string
): Promise<Map<string, TreeSparkplugState>> {
  const snap = await app.invoke('topics:snapshot')
  const root = snap.roots.find((r) => r.profileId === profileId)
  const out = new Map<string, TreeSparkplugState>()
  if (!root) return out
  const byId = new Map<number, { parent: number; name: string }>()
  snap.newIds.forEach((n, i) => byId.set(n, { parent: snap.newParents[i], name: snap.newNames[i] }))
  const full = (n: number): string => {
    const e = byId.get(n)!
    return e.parent === root.id ? e.name : `${full(e.parent)}/${e.name}`
  }
  for (const s of snap.sparkplug) out.set(full(s.id), s)
  return out
}

describeWithMosquitto(
  'Sparkplug state in the topic tree (real Mosquitto)',
  { password: false },
  (broker) => {
    const app = coreHarnessForSuite()
    let edge: mqtt.MqttClient
    const deltas: TopicDelta[] = []

    beforeAll(async () => {
      app.on('topics:delta', (d) => deltas.push(d))
      await app.connect(
        {
          id: 'works',
          name: 'Works',
          host: '127.0.0.1',
          port: broker.ports.anonymous!,
          topics: [{ filter: 'spBv1.0/Works/#', qos: 1 } as never]
        },
        { broker }
      )
      edge = await mqtt.connectAsync(broker.url('anonymous'), { clientId: 'works-edge' })
    })
    afterAll(async () => {
      await edge?.endAsync()
    })

    const send = (topic: string, payload: object): Promise<unknown> =>
      edge.publishAsync(`${G}/${topic}`, encode(payload), { qos: 1 })

    /** Waits until every listed tree node has the state given, then returns the whole map. */
    async function until(
      want: Record<string, Partial<TreeSparkplugState>>
    ): Promise<Map<string, TreeSparkplugState>> {
      let states = new Map<string, TreeSparkplugState>()
      const shows = (): boolean =>
        Object.entries(want).every(([topic, w]) =>
          Object.entries(w).every(([k, v]) => states.get(topic)?.[k as 'status'] === v)
        )
      await waitUntil(
        async () => {
          states = await treeStates(app, 'works')
          return shows()
        },
        `the tree to show ${JSON.stringify(want)}`
      ).catch(() => {
        // What the tree showed instead, so a failure says what went wrong.
        expect(Object.fromEntries(states)).toMatchObject(want)
      })
      return states
    }

    /** The state of a tree node as the deltas since `from` last reported it, once it is `status`. */
    async function lastDelta(
      from: number,
      topicId: number,
      status: TreeSparkplugState['status']
    ): Promise<TreeSparkplugState | undefined> {
      let found: TreeSparkplugState | undefined
      const look = (): boolean => {
        for (const d of deltas.slice(from))
          for (const s of d.sparkplug) if (s.id === topicId) found = s
        return found?.status === status
      }
      await waitUntil(look, `a delta saying node ${topicId} is ${status}`).catch(() => {})
      return found
    }

    it('shows the edge node and the device online after their births, and counts a seq gap on the edge node', async () => {
      await send('NBIRTH/Pump1', nbirth(0))
      await send('DBIRTH/Pump1/Tank', dbirth)
      await send('DDATA/Pump1/Tank', ddata(2, 2.5))
      await send('DDATA/Pump1/Tank', ddata(6, 3.5)) // 3, 4 and 5 are lost
      const states = await until({
        'spBv1.0/Works/NBIRTH/Pump1': { status: 'online', seqGaps: 1 },
        'spBv1.0/Works/DBIRTH/Pump1': { status: 'online', seqGaps: 1 },
        'spBv1.0/Works/DDATA/Pump1': { status: 'online', seqGaps: 1 },
        'spBv1.0/Works/DBIRTH/Pump1/Tank': { status: 'online' },
        'spBv1.0/Works/DDATA/Pump1/Tank': { status: 'online', seqGaps: 0 }
      })
      // Only edge node and device levels carry a state: not the namespace, group or type levels.
      expect([...states.keys()].sort()).toEqual([
        'spBv1.0/Works/DBIRTH/Pump1',
        'spBv1.0/Works/DBIRTH/Pump1/Tank',
        'spBv1.0/Works/DDATA/Pump1',
        'spBv1.0/Works/DDATA/Pump1/Tank',
        'spBv1.0/Works/NBIRTH/Pump1'
      ])
    })

    it('turns the device offline at its DDEATH and the edge node with its devices at NDEATH (not at a stale one); a rebirth restores both', async () => {
      const before = await treeStates(app, 'works')
      const device = before.get('spBv1.0/Works/DDATA/Pump1/Tank')!.id
      const node = before.get('spBv1.0/Works/NBIRTH/Pump1')!.id

      let mark = deltas.length
      await send('DDEATH/Pump1/Tank', { timestamp: 1010, seq: 7 })
      await until({
        'spBv1.0/Works/DDATA/Pump1/Tank': { status: 'offline' },
        'spBv1.0/Works/DBIRTH/Pump1/Tank': { status: 'offline' },
        'spBv1.0/Works/DDEATH/Pump1/Tank': { status: 'offline' },
        'spBv1.0/Works/NBIRTH/Pump1': { status: 'online' }
      })
      // The device level under DDATA received nothing: its change came in a delta all the same.
      expect(await lastDelta(mark, device, 'offline')).toEqual({
        id: device,
        status: 'offline',
        seqGaps: 0
      })

      // The bdSeq rule: a death certificate of an earlier session leaves the node online (the
      // NDATA after it is handled after it, so once that shows, the NDEATH was handled too).
      await send('NDEATH/Pump1', {
        timestamp: 1011,
        metrics: [{ name: 'bdSeq', datatype: 4, long_value: 9 }]
      })
      await send('NDATA/Pump1', {
        timestamp: 1012,
        seq: 8,
        metrics: [{ alias: 1, datatype: 9, float_value: 229 }]
      })
      await until({
        'spBv1.0/Works/NDATA/Pump1': { status: 'online' },
        'spBv1.0/Works/NDEATH/Pump1': { status: 'online' },
        'spBv1.0/Works/NBIRTH/Pump1': { status: 'online', seqGaps: 1 }
      })

      mark = deltas.length
      await send('NDEATH/Pump1', {
        timestamp: 1011,
        metrics: [{ name: 'bdSeq', datatype: 4, long_value: 0 }]
      })
      await until({
        'spBv1.0/Works/NBIRTH/Pump1': { status: 'offline' },
        'spBv1.0/Works/NDEATH/Pump1': { status: 'offline' },
        'spBv1.0/Works/DDATA/Pump1': { status: 'offline' }
      })
      expect(await lastDelta(mark, node, 'offline')).toMatchObject({ id: node, status: 'offline' })

      mark = deltas.length
      await send('NBIRTH/Pump1', nbirth(1))
      await send('DBIRTH/Pump1/Tank', dbirth)
      await until({
        'spBv1.0/Works/NBIRTH/Pump1': { status: 'online' },
        'spBv1.0/Works/NDEATH/Pump1': { status: 'online' },
        'spBv1.0/Works/DDATA/Pump1/Tank': { status: 'online' },
        'spBv1.0/Works/DDEATH/Pump1/Tank': { status: 'online' }
      })
      expect(await lastDelta(mark, node, 'online')).toMatchObject({ status: 'online' })
      expect(await lastDelta(mark, device, 'online')).toEqual({
        id: device,
        status: 'online',
        seqGaps: 0
      })
    })
  }
)
