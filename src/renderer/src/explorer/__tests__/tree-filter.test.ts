import { describe, expect, it } from 'vitest'
import { TopicTree } from '../../../../main/core/topics/topic-tree'
import { naturalCompare } from '../natural-compare'
import { compileFilter, countFiltered, runFilter, wildcardMatches } from '../tree-filter'
import { TopicMirror } from '../topic-mirror'
import { TreeViewModel } from '../tree-view-model'

/** A core tree with the given topics (one message each), mirrored as the renderer does. */
function mirrored(topics: string[], fields: Record<string, string[]> = {}) {
  const tree = new TopicTree()
  const root = tree.root('p1', 'Plant')
  for (const t of topics) {
    const node = tree.record(root, t, 1000, false)!
    if (fields[t]) tree.setFields(node, fields[t])
  }
  const mirror = new TopicMirror()
  mirror.load(tree.snapshot(1000))
  return { tree, root, mirror }
}

/** The rows' topic names with indentation, as the tree shows them. */
function shown(model: TreeViewModel): string[] {
  const out: string[] = []
  for (let r = 0; r < model.rows.length; r++) {
    const id = model.rows.ids[r]
    out.push(`${'  '.repeat(model.rows.level[r] - 1)}${model.mirror.names[id]}`)
  }
  return out
}

const FLEET = [
  'plant/line0/dev0/bme',
  'plant/line0/dev0/meta',
  'plant/line0/dev10/bme',
  'plant/line0/dev2/status',
  'plant/line1/dev7/bme',
  'plant/line1/dev7/meta',
  'plant/line1/dev17/json',
  '$SYS/broker/uptime'
]

describe('MQTT filter matching', () => {
  const m = (f: string, t: string): boolean => wildcardMatches(f.split('/'), t.split('/'))
  it('matches + for one level and # for the rest, including the parent', () => {
    expect(m('plant/+/dev7/#', 'plant/line1/dev7/bme')).toBe(true)
    expect(m('plant/+/dev7/#', 'plant/line1/dev7')).toBe(true)
    expect(m('plant/+/dev7/#', 'plant/line1/dev17/bme')).toBe(false)
    expect(m('plant/+', 'plant/line1/dev7')).toBe(false)
    expect(m('+/+', 'a/b')).toBe(true)
    expect(m('a/+', 'a/')).toBe(true)
  })
  it('keeps $ topics out of leading wildcards', () => {
    expect(m('#', '$SYS/broker/uptime')).toBe(false)
    expect(m('+/broker/#', '$SYS/broker/uptime')).toBe(false)
    expect(m('$SYS/#', '$SYS/broker/uptime')).toBe(true)
  })
})

describe('the tree panel rows', () => {
  it('shows the hierarchy with names in natural order, connections open, the rest closed', () => {
    const { mirror } = mirrored(FLEET)
    const model = new TreeViewModel(mirror)
    model.rebuild()
    expect(shown(model)).toEqual(['Plant', '  $SYS', '  plant'])
    const plant = model.rows.ids[2]
    model.setExpanded(plant, true)
    model.setExpanded(mirror.childrenOf(plant)[0], true)
    expect(shown(model)).toEqual([
      'Plant',
      '  $SYS',
      '  plant',
      '    line0',
      '      dev0',
      '      dev2',
      '      dev10',
      '    line1'
    ])
    expect([model.rows.posInSet[5], model.rows.setSize[5]]).toEqual([2, 3])
    expect(mirror.topics[plant]).toBe(7)
  })

  it('narrows to a wildcard filter, opening the way to every match, with counts that follow', () => {
    const { mirror } = mirrored(FLEET)
    const model = new TreeViewModel(mirror)
    model.setFilter('plant/+/dev7/#')
    expect(shown(model)).toEqual([
      'Plant',
      '  plant',
      '    line1',
      '      dev7',
      '        bme',
      '        meta'
    ])
    model.refreshCounts()
    const plant = model.rows.ids[1]
    expect(model.figures(plant)).toEqual({ messages: 2, topics: 2 })
    expect(model.figures(model.rows.ids[0])).toEqual({ messages: 2, topics: 2 })
  })

  it('matches a substring of the topic, or of a field name, ignoring case', () => {
    const { mirror } = mirrored(FLEET, { 'plant/line1/dev17/json': ['temp', 'Pressure'] })
    const model = new TreeViewModel(mirror)
    model.setFilter('DEV1')
    expect(shown(model).map((s) => s.trim())).toEqual([
      'Plant',
      'plant',
      'line0',
      'dev10',
      'bme',
      'line1',
      'dev17',
      'json'
    ])
    model.setFilter('pressure')
    expect(Array.from(model.filter!.matches, (id) => mirror.topicOf(id))).toEqual([
      'plant/line1/dev17/json'
    ])
    model.setFilter('nothing-like-this')
    expect(model.rows.length).toBe(0)
  })

  it('typing narrows the last answer to the same matches as a fresh run', () => {
    const { mirror } = mirrored(FLEET, { 'plant/line1/dev17/json': ['temp', 'Pressure'] })
    const typed = new TreeViewModel(mirror)
    for (const text of ['d', 'de', 'dev', 'dev1', 'dev17']) {
      typed.setFilter(text)
      const fresh = new TreeViewModel(mirror)
      fresh.setFilter(text)
      expect([...typed.filter!.matches].sort()).toEqual([...fresh.filter!.matches].sort())
    }
    typed.setFilter('p')
    typed.setFilter('pr')
    expect(Array.from(typed.filter!.matches, (id) => mirror.topicOf(id))).toEqual([
      'plant/line1/dev17/json'
    ])
  })

  it('typing reuses the arrays of the answer before last, with the same rows and counts as a fresh run', () => {
    const { mirror } = mirrored(FLEET, { 'plant/line1/dev17/json': ['temp', 'Pressure'] })
    const typed = new TreeViewModel(mirror)
    const texts = ['d', 'de', 'dev', 'dev1', '', 'plant/+/dev7/#', 'p', 'pr', 'l', 'line0', 'b']
    const marks: Uint8Array[] = []
    for (const text of texts) {
      typed.setFilter(text)
      typed.refreshCounts()
      const fresh = new TreeViewModel(mirror)
      fresh.setFilter(text)
      fresh.refreshCounts()
      expect(shown(typed), text).toEqual(shown(fresh))
      expect([...(typed.filter?.matches ?? [])].sort(), text).toEqual(
        [...(fresh.filter?.matches ?? [])].sort()
      )
      for (let id = 0; id < mirror.count; id++)
        expect(typed.figures(id), `${text}: ${mirror.topicOf(id)}`).toEqual(fresh.figures(id))
      if (typed.filter) marks.push(typed.filter.mark)
    }
    // Two sets of arrays take turns: no new ones per keystroke once typing has begun.
    expect(marks[2]).toBe(marks[0])
    expect(marks[3]).toBe(marks[1])
  })

  it('counts under a filter follow new messages and new matching topics', () => {
    const { tree, root, mirror } = mirrored(FLEET)
    const model = new TreeViewModel(mirror)
    model.setFilter('plant/+/dev7/#')
    model.refreshCounts()
    expect(model.figures(model.rows.ids[0])).toEqual({ messages: 2, topics: 2 })
    tree.record(root, 'plant/line1/dev7/bme', 2000, false)
    tree.record(root, 'plant/line1/dev7/bme', 2001, false)
    tree.record(root, 'plant/line0/dev0/bme', 2001, false)
    mirror.apply(tree.drain(2001)!)
    model.refreshCounts()
    expect(model.figures(model.rows.ids[0])).toEqual({ messages: 4, topics: 2 })
    tree.record(root, 'plant/line4/dev7/new', 2002, false)
    mirror.apply(tree.drain(2002)!)
    model.rebuild()
    model.refreshCounts()
    expect(model.figures(model.rows.ids[0])).toEqual({ messages: 5, topics: 3 })
  })

  it('counts a filter every topic matches as the whole tree, until one does not match', () => {
    const { tree, root, mirror } = mirrored(FLEET.filter((t) => t.startsWith('plant/')))
    const model = new TreeViewModel(mirror)
    model.setFilter('plant')
    model.refreshCounts()
    expect(model.filter!.all).toBe(true)
    expect(model.figures(root.id)).toEqual({ messages: 7, topics: 7 })
    tree.record(root, 'plant/line0/dev0/bme', 2000, false)
    tree.record(root, 'other/x', 2000, false)
    mirror.apply(tree.drain(2000)!)
    model.rebuild()
    model.refreshCounts()
    expect(model.filter!.all).toBe(false)
    expect(model.figures(root.id)).toEqual({ messages: 8, topics: 7 })
  })

  it('keeps a filter up to date as new topics and field names arrive', () => {
    const { tree, root, mirror } = mirrored(FLEET)
    const model = new TreeViewModel(mirror)
    model.setFilter('temp')
    expect(model.filter!.matchCount).toBe(0)
    const node = tree.record(root, 'plant/line0/dev0/bme', 2000, false)!
    tree.setFields(node, ['temperature'])
    tree.record(root, 'plant/line9/temp', 2000, false)
    mirror.apply(tree.drain(2000)!)
    model.rebuild()
    expect(Array.from(model.filter!.matches, (id) => mirror.topicOf(id)).sort()).toEqual([
      'plant/line0/dev0/bme',
      'plant/line9/temp'
    ])
    model.refreshCounts()
    expect(model.figures(root.id)).toEqual({ messages: 3, topics: 2 })
  })

  it('applies each delta once: one already in the snapshot is skipped', () => {
    const { tree, root } = mirrored([])
    tree.record(root, 'a', 1, false)
    const early = tree.drain(1)!
    const mirror = new TopicMirror()
    mirror.apply(early) // before the snapshot: held
    tree.record(root, 'b', 2, false)
    mirror.load(tree.snapshot(2))
    const later = tree.drain(3)!
    mirror.apply(later)
    mirror.apply(later)
    expect(mirror.roots.map((r) => mirror.messages[r.id])).toEqual([2])
    expect(mirror.childrenOf(root.id).map((id) => mirror.names[id])).toEqual(['a', 'b'])
  })

  it('asks for a fresh snapshot when a delta was missed', () => {
    const { tree, root, mirror } = mirrored(['a'])
    let asked = 0
    mirror.onGap(() => asked++)
    tree.record(root, 'b', 2, false)
    tree.drain(2) // lost on the way
    tree.record(root, 'c', 3, false)
    mirror.apply(tree.drain(3)!)
    expect([asked, mirror.loaded]).toEqual([1, false])
    mirror.load(tree.snapshot(4))
    expect(mirror.childrenOf(root.id).map((id) => mirror.names[id])).toEqual(['a', 'b', 'c'])
  })

  it('filters 100,000 topics with counts', () => {
    const topics: string[] = []
    for (let i = 0; i < 100_000; i++)
      topics.push(`bench/l${i % 100}/d${Math.floor(i / 100) % 100}/s${i}`)
    const { mirror } = mirrored(topics)
    const model = new TreeViewModel(mirror)
    model.setFilter('bench/l7/+/#')
    expect(model.filter!.matchCount).toBe(1000)
    model.setFilter('s9999')
    countFiltered(mirror, model.filter!)
    expect(model.filter!.matchCount).toBe(11) // s9999 and s99990-s99999
    expect(model.figures(mirror.roots[0].id).messages).toBe(11)
  })
})

describe('natural name order', () => {
  it('orders numbers by value and stays total', () => {
    const names = ['dev10', 'dev2', 'dev1', 'Dev3', 'dev01', 'a', '', 'dev2b']
    expect([...names].sort(naturalCompare)).toEqual([
      '',
      'Dev3',
      'a',
      'dev01',
      'dev1',
      'dev2',
      'dev2b',
      'dev10'
    ])
  })
  it('compiles an empty filter to none', () => {
    expect(compileFilter('  ')).toEqual({ kind: 'none' })
    expect(runFilter(new TopicMirror(), compileFilter('')).matchCount).toBe(0)
  })
})
