// The inspector after a restart: messages captured by one run come back through the
// topics:history and topics:payload channels of the next run on the same data folder, read
// from the capture journal, byte for byte, below the messages the new run received itself.
import * as crypto from 'node:crypto'
import mqtt from 'mqtt'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { CoreHarness } from '../../../../../test-support/core-harness'
import { describeWithMosquitto } from '../../../../../test-support/vitest-suites'
import { waitUntil } from '../../../../../test-support/wait'
import { PAYLOAD_PAGE_BYTES } from '../../../../shared/topic-types'

const TOPIC = 'rig/a/raw'

/** The node id of a topic in the tree (as the UI finds it), once it is there. */
async function nodeOf(app: CoreHarness, topic: string): Promise<number> {
  let id = -1
  await waitUntil(async () => {
    const snap = await app.invoke('topics:snapshot')
    const byId = new Map<number, { parent: number; name: string }>()
    snap.newIds.forEach((n, i) =>
      byId.set(n, { parent: snap.newParents[i], name: snap.newNames[i] })
    )
    const roots = new Set(snap.roots.map((r) => r.id))
    const full = (n: number): string => {
      const e = byId.get(n)!
      return roots.has(e.parent) ? e.name : `${full(e.parent)}/${e.name}`
    }
    for (const n of snap.newIds) if (!roots.has(n) && full(n) === topic) id = n
    return id >= 0
  }, `${topic} in the tree`)
  return id
}

/** A payload read whole through topics:payload, page by page, as the inspector does. */
async function wholePayload(app: CoreHarness, nodeId: number, seq: number): Promise<Buffer> {
  const pages: Buffer[] = []
  for (let offset = 0; ;) {
    const page = await app.invoke('topics:payload', { nodeId, seq, offset, length: 40_000 })
    pages.push(Buffer.from(page.bytes))
    offset += page.bytes.byteLength
    if (page.bytes.byteLength === 0 || offset >= page.size) break
  }
  return Buffer.concat(pages)
}

describeWithMosquitto(
  'the inspector after a restart (real Mosquitto)',
  { password: false },
  (broker) => {
    let first: CoreHarness | undefined
    let second: CoreHarness | undefined
    let client: mqtt.MqttClient
    // Bytes no decoder reads (zero, 0xff, a lone UTF-8 continuation byte), text, and one larger
    // than a page of the message list.
    const earlier = [
      Buffer.from([0x00, 0xff, 0x80, 0x41, 0x00]),
      Buffer.from('21.5,1013.2,ok', 'utf8'),
      crypto.randomBytes(PAYLOAD_PAGE_BYTES + 40_123)
    ]
    const later = Buffer.from('{"after":"restart"}', 'utf8')
    let sentFrom = 0
    let sentTo = 0

    beforeAll(async () => {
      client = await mqtt.connectAsync(broker.url('anonymous'), { clientId: 'restart-pub' })
    })
    afterAll(async () => {
      await client?.endAsync()
      await first?.close(false)
      await second?.close()
    })

    it('lists the earlier run\u2019s messages from the journal, with their time, size and exact bytes', async () => {
      first = await CoreHarness.start()
      await first.connect(
        {
          id: 'rig',
          name: 'Rig',
          host: '127.0.0.1',
          port: broker.ports.anonymous!,
          topics: [{ filter: 'rig/#', qos: 1 } as never]
        },
        { broker }
      )
      sentFrom = Date.now()
      for (const p of earlier) await client.publishAsync(TOPIC, p, { qos: 1 })
      const id1 = await nodeOf(first, TOPIC)
      await waitUntil(
        async () => (await first!.invoke('topics:history', { nodeId: id1 })).kept === 3,
        'the first run to receive all three'
      )
      sentTo = Date.now()
      // This run's own messages come from memory, none from the journal.
      const own = await first.invoke('topics:history', { nodeId: id1 })
      expect(own.messages.map((m) => m.fromJournal ?? false)).toEqual([false, false, false])
      await first.close(false)

      // The next run on the same folder reconnects by itself (the profile was connected).
      second = await CoreHarness.start({ dataDir: first.dataDir })
      await second.waitForState('rig', 'connected')
      await client.publishAsync(TOPIC, later, { qos: 1 })
      const id = await nodeOf(second, TOPIC)
      let history = await second.invoke('topics:history', { nodeId: id })
      await waitUntil(async () => {
        history = await second!.invoke('topics:history', { nodeId: id })
        return history.messages.length >= 4
      }, 'the new message and the three kept from before')

      const [now, ...before] = history.messages
      expect(now.fromJournal).toBeUndefined()
      expect(Buffer.from(now.payload)).toEqual(later)
      expect(history).toMatchObject({ topic: TOPIC, connection: 'Rig', received: 1, kept: 1 })
      expect(history.journalMore).toBe(false)
      // Newest first, with their size and the time the first run received them.
      expect(before.map((m) => m.fromJournal)).toEqual([true, true, true])
      expect(before.map((m) => m.size)).toEqual([...earlier].reverse().map((p) => p.byteLength))
      for (const m of before) {
        expect(m.at).toBeGreaterThanOrEqual(sentFrom)
        expect(m.at).toBeLessThanOrEqual(sentTo)
        expect(m.seq).toBeLessThan(now.seq)
      }
      expect(before[0].seq).toBeGreaterThan(before[1].seq)
      expect(Buffer.from(before[1].payload)).toEqual(earlier[1])
      expect(Buffer.from(before[2].payload)).toEqual(earlier[0])
      // The large one: its first page in the list, the whole through topics:payload.
      expect(before[0].payload.byteLength).toBe(PAYLOAD_PAGE_BYTES)
      expect(await wholePayload(second, id, before[0].seq)).toEqual(earlier[2])
      expect(await wholePayload(second, id, before[2].seq)).toEqual(earlier[0])
    })

    it('pages through the earlier run\u2019s messages with beforeSeq, saying when more are kept', async () => {
      const id = await nodeOf(second!, TOPIC)
      const top = await second!.invoke('topics:history', { nodeId: id, limit: 2 })
      expect(top.messages.map((m) => m.size)).toEqual([later.byteLength, earlier[2].byteLength])
      expect(top.journalMore).toBe(true)
      const next = await second!.invoke('topics:history', {
        nodeId: id,
        limit: 2,
        beforeSeq: top.messages[1].seq
      })
      expect(next.messages.map((m) => Buffer.from(m.payload))).toEqual([earlier[1], earlier[0]])
      expect(next.journalMore).toBe(false)
      const none = await second!.invoke('topics:history', {
        nodeId: id,
        limit: 2,
        beforeSeq: next.messages[1].seq
      })
      expect(none.messages).toEqual([])
    })
  }
)
