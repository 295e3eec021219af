import { describe, expect, it } from 'vitest'
import {
  fieldsOf,
  NODE_IS_TOPIC,
  NODE_RETAINED,
  type TopicDelta
} from '../../../../shared/topic-types'
import { PREVIEW_BYTES, TopicTree } from '../topic-tree'

/** The delta's changed nodes as id -> figures. */
function figures(delta: TopicDelta) {
  const out = new Map<number, { messages: number; topics: number; flags: number }>()
  delta.ids.forEach((id, i) =>
    out.set(id, { messages: delta.messages[i], topics: delta.topics[i], flags: delta.flags[i] })
  )
  return out
}

describe('the topic tree', () => {
  it('splits topics on / and counts messages and topics at every level', () => {
    const tree = new TopicTree()
    const root = tree.root('p1', 'Plant broker')
    tree.record(root, 'plant/line0/dev1/bme', 1000, false)
    tree.record(root, 'plant/line0/dev1/bme', 2000, false)
    tree.record(root, 'plant/line0/dev1/meta', 2000, true)
    tree.record(root, 'plant/line1/dev2/bme', 3000, false)
    const plant = tree.find(root, 'plant')!
    expect(plant).toBeUndefined() // 'plant' itself never received a message
    const dev1 = root.child('plant')!.child('line0')!.child('dev1')!
    expect(dev1.topic).toBe('plant/line0/dev1')
    expect([dev1.messages, dev1.topics, dev1.isTopic]).toEqual([3, 2, false])
    expect([root.messages, root.topics, root.lastAt]).toEqual([4, 3, 3000])
    const meta = tree.find(root, 'plant/line0/dev1/meta')!
    expect([meta.isTopic, meta.retained, meta.name]).toEqual([true, true, 'meta'])
  })

  it('keeps empty levels and $SYS topics as they are', () => {
    const tree = new TopicTree()
    const root = tree.root('p1', 'b')
    tree.record(root, '/leading', 1, false)
    tree.record(root, 'a//b', 1, false)
    tree.record(root, '$SYS/broker/uptime', 1, false)
    expect(
      root
        .childList()
        .map((c) => c.name)
        .sort()
    ).toEqual(['', '$SYS', 'a'])
    expect(root.child('a')!.child('')!.child('b')!.topic).toBe('a//b')
    expect(tree.find(root, '$SYS/broker/uptime')!.name).toBe('uptime')
  })

  it('a topic that is also a parent counts once as a topic', () => {
    const tree = new TopicTree()
    const root = tree.root('p1', 'b')
    tree.record(root, 'a/b', 1, false)
    tree.record(root, 'a', 2, false)
    tree.record(root, 'a', 3, false)
    const a = tree.find(root, 'a')!
    expect([a.isTopic, a.messages, a.topics]).toEqual([true, 3, 2])
  })

  it('sends new nodes and changed figures once per delta, parents before children', () => {
    const tree = new TopicTree()
    const root = tree.root('p1', 'Broker')
    tree.record(root, 'x/y', 10, true)
    const first = tree.drain(20)!
    expect(first.seq).toBe(1)
    expect(first.roots).toEqual([{ id: root.id, profileId: 'p1', name: 'Broker' }])
    expect(first.newNames).toEqual(['Broker', 'x', 'y'])
    expect([...first.newParents]).toEqual([-1, root.id, tree.find(root, 'x/y')!.parent!.id])
    const y = tree.find(root, 'x/y')!.id
    expect(figures(first).get(y)).toEqual({
      messages: 1,
      topics: 1,
      flags: NODE_IS_TOPIC | NODE_RETAINED
    })
    expect(tree.drain(30)).toBeNull()
    tree.record(root, 'x/y', 40, false)
    const second = tree.drain(50)!
    expect(second.newIds.length).toBe(0)
    expect(figures(second).get(y)).toEqual({ messages: 2, topics: 1, flags: NODE_IS_TOPIC })
    expect(second.ids.length).toBe(3) // y, x and the root
  })

  it('a snapshot holds every node and does not take changes from the next delta', () => {
    const tree = new TopicTree()
    const root = tree.root('p1', 'b')
    tree.record(root, 'a/b/c', 1, false)
    const snap = tree.snapshot(5)
    expect(snap.full).toBe(true)
    expect(snap.newIds.length).toBe(4)
    expect(snap.seq).toBe(0)
    expect(tree.drain(6)!.seq).toBe(1)
  })

  it('sends field names when they change, not for every message', () => {
    const tree = new TopicTree()
    const root = tree.root('p1', 'b')
    const fields = ['temp', 'pressure']
    const node = tree.record(root, 's', 1, false)!
    tree.setFields(node, fields)
    expect(fieldsOf(tree.drain(2)!)).toEqual([{ id: node.id, names: ['temp', 'pressure'] }])
    tree.record(root, 's', 3, false)
    tree.setFields(node, fields)
    tree.setFields(node, ['temp', 'pressure'])
    expect(fieldsOf(tree.drain(4)!)).toEqual([])
  })

  it('stops growing at its node limit and counts what it refused', () => {
    const tree = new TopicTree(10)
    const root = tree.root('p1', 'b')
    for (let i = 0; i < 20; i++) tree.record(root, `t/${i}`, i, false)
    expect(tree.size).toBe(10)
    expect(tree.refused).toBe(12) // root + 't' + 8 topics fit
    // A topic already in the tree still counts.
    tree.record(root, 't/0', 100, false)
    expect(tree.find(root, 't/0')!.messages).toBe(2)
    expect(tree.drain(101)!.refused).toBe(12)
  })

  it('adds none of a topic that does not fit whole', () => {
    const tree = new TopicTree(4)
    const root = tree.root('p1', 'b')
    expect(tree.record(root, 'a/b/c/d', 1, false)).toBeNull()
    expect(tree.size).toBe(1)
    expect(tree.record(root, 'a/b/c', 1, false)).not.toBeNull()
  })

  it('keeps levels past its depth limit together in the last node', () => {
    const tree = new TopicTree()
    const root = tree.root('p1', 'b')
    const topic = Array.from({ length: 100 }, (_, i) => `l${i}`).join('/')
    const node = tree.record(root, topic, 1, false)!
    expect(node.topic).toBe(topic)
    expect(tree.size).toBe(65)
    expect(node.name).toBe(topic.split('/').slice(63).join('/'))
    // Another deep topic under the same 63 levels is one more node beside it.
    const other = tree.record(root, `${topic.split('/').slice(0, 63).join('/')}/x/y`, 2, false)!
    expect(other.name).toBe('x/y')
    expect(other.parent).toBe(node.parent)
    expect(tree.size).toBe(66)
  })

  it('stops at its character budget: each new level counts its full topic', () => {
    // 'ab' (2) and 'ab/cd' (5) fit in 8; 'ab/ef/gh' would add 5 + 8 more.
    const tree = new TopicTree(100, 8)
    const root = tree.root('p1', 'b')
    expect(tree.record(root, 'ab/cd', 1, false)).not.toBeNull()
    expect(tree.record(root, 'ab/ef/gh', 1, false)).toBeNull()
    expect(tree.size).toBe(3)
    expect(tree.record(root, 'ab', 1, false)!.isTopic).toBe(true)
    expect(tree.size).toBe(3)
  })

  it("keeps each topic's last payload for its preview: short ones whole, long ones' head", () => {
    const tree = new TopicTree()
    const root = tree.root('p1', 'b')
    const a = tree.record(root, 'a', 1, false)!
    const b = tree.record(root, 'b', 1, false)!
    const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0))
    tree.setLast(a, bytes('21.5'))
    tree.setLast(b, bytes('{"t":21.5,"rh":40}'))
    expect(tree.lastBytes(a)).toEqual(bytes('21.5'))
    expect(tree.lastBytes(b)).toEqual(bytes('{"t":21.5,"rh":40}'))
    // Each slot is its own: a's next value leaves b's alone, and a short one follows a long one.
    tree.setLast(a, bytes('7'))
    tree.setLast(b, bytes('ok'))
    expect(tree.lastBytes(a)).toEqual(bytes('7'))
    expect(tree.lastBytes(b)).toEqual(bytes('ok'))
    const long = new Uint8Array(1000).map((_, i) => i % 251)
    tree.setLast(a, long)
    expect(tree.lastBytes(a)).toEqual(long.slice(0, PREVIEW_BYTES))
    expect(a.lastSize).toBe(1000)
    tree.setLast(a, new Uint8Array(0))
    expect(tree.lastBytes(a)).toBeNull()
  })

  it('a rate follows the message rate and decays when they stop', () => {
    const tree = new TopicTree()
    const root = tree.root('p1', 'b')
    let node = null
    for (let t = 0; t <= 60_000; t += 100) node = tree.record(root, 'fast', t, false)
    // 10 messages a second for a minute: the 10 s average is 10/s.
    expect(node!.rate).toBeGreaterThan(9.5)
    expect(node!.rate).toBeLessThan(10.6)
  })

  it('sends a Sparkplug state when it changes and keeps it in the snapshot', () => {
    const tree = new TopicTree()
    const root = tree.root('p1', 'Works')
    const node = tree.record(root, 'spBv1.0/G/NBIRTH/E', 1, false)!
    tree.record(root, 'plain/topic', 1, false)
    tree.drain(1)
    tree.setSparkplug(node, 'online', 0)
    expect(tree.drain(2)!.sparkplug).toEqual([{ id: node.id, status: 'online', seqGaps: 0 }])
    // The same state again is no change: nothing to send.
    tree.setSparkplug(node, 'online', 0)
    expect(tree.drain(3)).toBeNull()
    tree.setSparkplug(node, 'offline', 2)
    expect(tree.drain(4)!.sparkplug).toEqual([{ id: node.id, status: 'offline', seqGaps: 2 }])
    const snapshot = tree.snapshot(5)
    expect(snapshot.sparkplug).toEqual([{ id: node.id, status: 'offline', seqGaps: 2 }])
  })
})
