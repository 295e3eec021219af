import { describe, expect, it } from 'vitest'
import { qshapeOptionsSchema, type QshapeOptionsInput } from '../../../../shared/broker-types'
import type { PersistenceContents, StoredMessage } from '../persistence-reader'
import { bucketLabels, bucketOf, bucketLimits, buildQshape, clientState } from '../qshape'
import { formatQshape } from '../qshape-text'

const options = (o: QshapeOptionsInput = {}) => qshapeOptionsSchema.parse(o)
const SAVED = 1_700_000_000_000
const savedS = SAVED / 1000

/** A parsed file by hand: `messages` are [subscriber, topic, publisher, age seconds | null]. */
function contents(messages: [string, string, string, number | null][]): PersistenceContents {
  const stored = new Map<bigint, StoredMessage>()
  const clientMessages = messages.map(([clientId, topic, source, age], i) => {
    const storeId = BigInt(i + 1)
    // Published `age` seconds before the save with a 600 s expiry interval.
    stored.set(storeId, {
      topic,
      source,
      expiryTime: age === null ? 0 : Math.round(savedS - age + 600),
      qos: 1,
      payloadBytes: 10
    })
    return { clientId, storeId, qos: 1, state: 11, direction: 1 }
  })
  return {
    version: 6,
    stored,
    sessions: new Map([
      [
        'offline-5',
        {
          id: 'offline-5',
          username: '',
          sessionExpiryTime: savedS + 3000,
          sessionExpiryInterval: 3600
        }
      ],
      [
        'online-5',
        { id: 'online-5', username: '', sessionExpiryTime: 0, sessionExpiryInterval: 3600 }
      ],
      [
        'old-311',
        { id: 'old-311', username: '', sessionExpiryTime: 0, sessionExpiryInterval: 0xffffffff }
      ]
    ]),
    clientMessages,
    subscriptions: 0,
    retained: 0,
    chunks: 1,
    problem: null
  }
}

describe('qshape columns', () => {
  it('default Postfix columns double from the first limit and end open', () => {
    expect(bucketLabels(options({ firstBucketMinutes: 5 }))).toEqual(
      '5 10 20 40 80 160 320 640 1280 1280+'.split(' ')
    )
    expect(bucketLabels(options())).toEqual('1 2 4 8 16 32 64 128 256 256+'.split(' '))
    expect(bucketLabels(options({ linear: true, buckets: 4, firstBucketMinutes: 15 }))).toEqual([
      '15',
      '30',
      '45',
      '45+'
    ])
    expect(bucketLabels(options({ buckets: 3, firstBucketMinutes: 0.1 }))).toEqual([
      '0.1',
      '0.2',
      '0.2+'
    ])
    expect(bucketLabels(options({ buckets: 1 }))).toEqual(['0+'])
  })

  it('an age belongs to the first column whose limit it is below', () => {
    const limits = bucketLimits(options({ firstBucketMinutes: 5, buckets: 4 }))
    expect(limits).toEqual([5, 10, 20])
    expect([0, 4.99, 5, 9.99, 10, 19.99, 20, 1e9].map((m) => bucketOf(m, limits))).toEqual([
      0, 0, 1, 1, 2, 2, 3, 3
    ])
  })
})

describe('client states', () => {
  const now = SAVED + 1000
  const session = (time: number, interval: number) => ({
    id: 'c',
    username: '',
    sessionExpiryTime: time,
    sessionExpiryInterval: interval
  })
  it('come from the file for MQTT 5 sessions, from the log otherwise', () => {
    const ctx = { savedAt: SAVED, now }
    expect(clientState(session(savedS + 60, 3600), ctx, 'c')).toBe('offline')
    expect(clientState(session(0, 3600), ctx, 'c')).toBe('online')
    expect(clientState(session(savedS - 60, 3600), ctx, 'c')).toBe('expired')
    expect(clientState(session(0, 0xffffffff), ctx, 'c')).toBe('unknown')
    expect(clientState(undefined, ctx, 'c')).toBe('unknown')
    const logged = { ...ctx, loggedState: () => 'offline' as const }
    expect(clientState(session(0, 0xffffffff), logged, 'c')).toBe('offline')
    expect(clientState(session(0, 3600), logged, 'c')).toBe('offline')
    // Expired wins: the log only saw it go away.
    expect(clientState(session(savedS - 60, 3600), logged, 'c')).toBe('expired')
  })
})

describe('the queue table', () => {
  const db = contents([
    ['offline-5', 'site/a/temp', 'pub-1', 30],
    ['offline-5', 'site/a/temp', 'pub-1', 90],
    ['offline-5', 'site/b/temp', 'pub-2', null],
    ['old-311', 'site/a/hum', 'pub-1', 30],
    ['old-311', 'site/b/hum', 'pub-2', 1000],
    ['old-311', 'site/b/hum', 'pub-2', 1000],
    ['old-311', 'other', '', 130],
    ['online-5', 'site/c/x', 'pub-3', 10]
  ])
  const ctx = { savedAt: SAVED, now: SAVED }

  it('rows are TOTAL then subscribers by count, with ages, unknowns and states', () => {
    const { table, noExpiry } = buildQshape(db, options({ intervalSeconds: 600, buckets: 4 }), ctx)
    expect(table.labels).toEqual(['1', '2', '4', '4+'])
    expect(table.total).toEqual({ name: 'TOTAL', total: 8, buckets: [3, 1, 1, 2], unknown: 1 })
    expect(table.rows).toEqual([
      { name: 'old-311', total: 4, buckets: [1, 0, 1, 2], unknown: 0, state: 'unknown' },
      { name: 'offline-5', total: 3, buckets: [1, 1, 0, 0], unknown: 1, state: 'offline' },
      { name: 'online-5', total: 1, buckets: [1, 0, 0, 0], unknown: 0, state: 'online' }
    ])
    expect(noExpiry).toBe(1)
  })

  it('groups by publisher or by leading topic levels, and shows the top rows', () => {
    const byPublisher = buildQshape(db, options({ groupBy: 'publisher' }), ctx).table
    expect(byPublisher.rows.map((r) => [r.name, r.total, r.state])).toEqual([
      ['pub-1', 3, undefined],
      ['pub-2', 3, undefined],
      ['(broker)', 1, undefined],
      ['pub-3', 1, undefined]
    ])
    // Without a stated interval every age is unknown.
    expect(byPublisher.total.unknown).toBe(8)
    const byTopic = buildQshape(
      db,
      options({ groupBy: 'topic', topicLevels: 2, top: 2 }),
      ctx
    ).table
    expect(byTopic.rows.map((r) => [r.name, r.total])).toEqual([
      ['site/a', 3],
      ['site/b', 3]
    ])
    expect(byTopic.hiddenRows).toBe(2)
    expect(byTopic.total.total).toBe(8)
  })

  it('a message with more time left than the stated interval counts under unknown', () => {
    expect(buildQshape(db, options({ intervalSeconds: 600 }), ctx).longerThanStated).toBe(0)
    // Published with 600 s: those younger than 100 s have more than 500 s left.
    const short = buildQshape(db, options({ intervalSeconds: 500 }), ctx)
    expect(short.longerThanStated).toBe(4)
    expect(short.table.total.unknown).toBe(4 + 1)
    expect(short.table.total.total).toBe(8)
  })

  it('prints in Postfix qshape’s layout', () => {
    const { table } = buildQshape(db, options({ intervalSeconds: 600, buckets: 4 }), ctx)
    expect(formatQshape(table)).toBe(
      [
        '          T 1 2 4 4+ unknown state',
        '    TOTAL 8 3 1 1  2       1',
        '  old-311 4 1 0 1  2       0 unknown',
        'offline-5 3 1 1 0  0       1 offline',
        ' online-5 1 1 0 0  0       0 online',
        ''
      ].join('\n')
    )
    const { table: publishers } = buildQshape(
      db,
      options({ groupBy: 'publisher', buckets: 2 }),
      ctx
    )
    expect(formatQshape(publishers)).toBe(
      [
        '         T 1 1+ unknown',
        '   TOTAL 8 0  0       8',
        '   pub-1 3 0  0       3',
        '   pub-2 3 0  0       3',
        '(broker) 1 0  0       1',
        '   pub-3 1 0  0       1',
        ''
      ].join('\n')
    )
  })
})
