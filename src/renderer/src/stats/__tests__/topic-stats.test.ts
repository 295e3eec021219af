import { describe, expect, it, vi } from 'vitest'
import type { TopicStat } from '../../../../shared/types'
import { TopicStatsStore } from '../topic-stats'

const stat = (topic: string, messages: number, connection = 'lab'): TopicStat => ({
  connection,
  topic,
  messages,
  errors: 0
})

describe('TopicStatsStore', () => {
  it('lists every topic once, sorted, with the newest counters, and tells listeners', () => {
    const store = new TopicStatsStore()
    const listener = vi.fn()
    store.subscribe(listener)
    store.load([stat('b', 1), stat('a', 1)])
    store.update([stat('b', 5), stat('c', 2), stat('a', 3, 'attic')])
    expect(store.all.map((s) => `${s.connection}/${s.topic}=${s.messages}`)).toEqual([
      'attic/a=3',
      'lab/a=1',
      'lab/b=5',
      'lab/c=2'
    ])
    expect(store.size).toBe(4)
    expect(listener).toHaveBeenCalledTimes(2)
  })

  it('gives the same array until a batch changes something', () => {
    const store = new TopicStatsStore()
    store.load([stat('a', 1)])
    const first = store.all
    expect(store.all).toBe(first)
    store.update([])
    expect(store.all).toBe(first)
    store.update([stat('a', 2)])
    expect(store.all).not.toBe(first)
    expect(store.all[0].messages).toBe(2)
  })
})
