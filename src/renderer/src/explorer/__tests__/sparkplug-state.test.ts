import { describe, expect, it } from 'vitest'
import { TopicTree } from '../../../../main/core/topics/topic-tree'
import { sparkplugWords } from '../format'
import { TopicMirror } from '../topic-mirror'

describe('a Sparkplug state in the mirrored tree', () => {
  it('reads the core tree\u2019s state of a node in words, from the snapshot and then from deltas', () => {
    const tree = new TopicTree()
    const root = tree.root('p1', 'Works')
    const node = tree.record(root, 'spBv1.0/G/NBIRTH/E', 1, false)!
    const other = tree.record(root, 'plain/topic', 1, false)!
    tree.setSparkplug(node, 'offline', 2)
    const mirror = new TopicMirror()
    mirror.load(tree.snapshot(5))
    expect(mirror.sparkplugOf(node.id)).toEqual({ id: node.id, status: 'offline', seqGaps: 2 })
    expect(mirror.sparkplugOf(other.id)).toBeUndefined()
    expect(sparkplugWords(mirror.sparkplugOf(node.id)!)).toBe('offline · 2 seq gaps')
    tree.setSparkplug(node, 'online', 1)
    mirror.apply(tree.drain(6)!)
    expect(sparkplugWords(mirror.sparkplugOf(node.id)!)).toBe('online · 1 seq gap')
    tree.setSparkplug(node, 'unknown', 0)
    mirror.apply(tree.drain(7)!)
    expect(sparkplugWords(mirror.sparkplugOf(node.id)!)).toBe('state unknown')
  })
})
