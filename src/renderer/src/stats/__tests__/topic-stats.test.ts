import { describe, expect, it } from 'vitest'
import type { TopicStat } from '../../../../shared/types'
import { TopicStatsStore } from '../topic-stats'

const stat = (topic: string, messages: number, errors = 0): TopicStat => ({
  connection: 'Plant',
  topic,
  messages,
  errors
})
const topics = (rows: { stat: TopicStat }[]): string[] => rows.map((r) => r.stat.topic)

describe('the topic statistics', () => {
  it('sorts by name, messages, errors and rate, either way', () => {
    const store = new TopicStatsStore()
    store.load([stat('b', 0), stat('a', 0), stat('c', 0, 0)])
    // Over 10 s: b gets 100 messages, a 10, c none but 5 decode errors.
    for (let t = 1000; t <= 10_000; t += 1000)
      store.update([stat('b', t / 100), stat('a', t / 1000)], false, t)
    store.update([stat('c', 0, 5)], false, 10_000)
    expect(topics(store.sorted('name', false, 10_000))).toEqual(['a', 'b', 'c'])
    expect(topics(store.sorted('name', true, 10_000))).toEqual(['c', 'b', 'a'])
    expect(topics(store.sorted('rate', true, 10_000))).toEqual(['b', 'a', 'c'])
    expect(topics(store.sorted('messages', false, 10_000))).toEqual(['c', 'a', 'b'])
    expect(topics(store.sorted('errors', true, 10_000))).toEqual(['c', 'a', 'b'])
    const b = store.sorted('name', false, 10_000)[1]
    // 10 messages a second for 10 s: a 10 s moving average is well on its way to 10/s.
    expect(b.rate).toBeGreaterThan(5)
    expect(b.rate).toBeLessThan(10)
  })

  it('keeps the name order without sorting again for each batch', () => {
    const store = new TopicStatsStore()
    store.load([stat('x', 1), stat('y', 1)])
    const first = store.sorted('name', false, 0)
    store.update([stat('x', 2)])
    expect(store.sorted('name', false, 0)).toBe(first)
    store.update([stat('w', 1)])
    expect(topics(store.sorted('name', false, 0))).toEqual(['w', 'x', 'y'])
  })

  it('keeps the same topic of two connections apart, in a batch that mixes them', () => {
    const store = new TopicStatsStore()
    store.load([stat('t', 1)])
    store.update([
      { connection: 'Lab', topic: 't', messages: 7, errors: 1, lastError: 'not a number' },
      stat('t', 3),
      { connection: 'Lab', topic: 'u', messages: 1, errors: 0 }
    ])
    expect(store.size).toBe(3)
    expect(store.connections).toBe(2)
    expect(store.all.map((s) => [s.connection, s.topic, s.messages, s.errors])).toEqual([
      ['Lab', 't', 7, 1],
      ['Lab', 'u', 1, 0],
      ['Plant', 't', 3, 0]
    ])
  })
})
