import { describe, expect, it } from 'vitest'
import { FIRST_SIZE, PointLog } from '../point-log'

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

function filled(capacity: number, n: number, id = 1): PointLog {
  const log = new PointLog(capacity)
  for (let i = 0; i < n; i++) log.push(id, 1000 + i, i * 0.5)
  return log
}

describe('PointLog, one series', () => {
  it('reads back every point in order', () => {
    const log = new PointLog(1_000_000)
    expect(log.length(1)).toBe(0)
    expect(log.latest(1)).toBeNaN()
    expect(log.copy(1).t.length).toBe(0)
    for (let i = 0; i < 50_000; i++) log.push(1, 1000 + i, i * 0.5)
    expect(log.length(1)).toBe(50_000)
    expect(log.size).toBe(50_000)
    const { t, v } = log.copy(1)
    expect(Array.from(t)).toEqual(range(1000, 51_000))
    expect(Array.from(v)).toEqual(range(0, 50_000).map((i) => i * 0.5))
    expect(log.latest(1)).toBe(49_999 * 0.5)
  })

  it('grows its arrays past their first size (a capacity above it) and loses no point', () => {
    const n = FIRST_SIZE + 50_000
    const log = new PointLog(FIRST_SIZE * 3)
    for (let i = 0; i < n; i++) log.push(1 + (i % 2), i, -i)
    expect(log.size).toBe(n)
    expect(log.length(1) + log.length(2)).toBe(n)
    const { t, v } = log.copy(2)
    let wrong = 0
    for (let k = 0; k < t.length; k++) if (t[k] !== 2 * k + 1 || v[k] !== -(2 * k + 1)) wrong++
    expect(t.length).toBe(n / 2)
    expect(wrong).toBe(0)
    expect(log.latest(1)).toBe(-(n - 2))
  })

  it('keeps exactly its capacity, the newest points, however long the run', () => {
    const log = filled(100, 1000)
    expect(log.size).toBe(100)
    expect(log.length(1)).toBe(100)
    expect(Array.from(log.copy(1).t)).toEqual(range(1900, 2000))
    expect(log.latest(1)).toBe(999 * 0.5)
  })

  it('copies an inclusive time range, oldest first, the newest kept when limited', () => {
    const log = filled(1000, 25) // t 1000..1024
    expect(Array.from(log.copy(1, 1017, 1020).t)).toEqual([1017, 1018, 1019, 1020])
    expect(Array.from(log.copy(1, 1017, 1020).v)).toEqual([8.5, 9, 9.5, 10])
    expect(Array.from(log.copy(1, 1023).t)).toEqual([1023, 1024])
    expect(Array.from(log.copy(1, undefined, 1001).t)).toEqual([1000, 1001])
    expect(log.copy(1, 2000, 3000).t.length).toBe(0)
    const limited = log.copy(1, undefined, undefined, 3)
    expect(Array.from(limited.t)).toEqual([1022, 1023, 1024])
    expect(Array.from(limited.v)).toEqual([11, 11.5, 12])
    expect(Array.from(log.copy(1, 1016, 1020, 2).t)).toEqual([1019, 1020])
    expect(log.copy(1, undefined, undefined, 0).t.length).toBe(0)
    expect(log.copy(1, undefined, undefined, 100).t.length).toBe(25)
  })

  it('keeps points in arrival order even when their times go backwards', () => {
    const log = new PointLog(100)
    for (const t of [5, 3, 9, 1]) log.push(1, t, t * 10)
    expect(Array.from(log.copy(1).t)).toEqual([5, 3, 9, 1])
    expect(Array.from(log.copy(1, 3, 5).v)).toEqual([50, 30])
  })

  it('returns copies that later pushes do not change', () => {
    const log = filled(1000, 4)
    const before = log.copy(1)
    log.push(1, 5000, 99)
    expect(Array.from(before.t)).toEqual([1000, 1001, 1002, 1003])
    expect(Array.from(log.copy(1).t)).toEqual([1000, 1001, 1002, 1003, 5000])
  })

  it('is empty after clear(), for every series, and fills again from there', () => {
    const log = new PointLog(10_000)
    for (let i = 0; i < 500; i++) log.push(1 + (i % 2), i, i)
    log.clear()
    expect(log.size).toBe(0)
    expect(log.length(1)).toBe(0)
    expect(log.length(2)).toBe(0)
    expect(log.copy(1).t.length).toBe(0)
    expect(log.latest(2)).toBeNaN()
    log.push(1, 1, 2)
    log.push(3, 2, 5)
    log.push(1, 3, 4)
    // Series 1's new points do not link back to those from before clear().
    expect(Array.from(log.copy(1).t)).toEqual([1, 3])
    expect(log.latest(1)).toBe(4)
    expect(log.length(2)).toBe(0)
    expect(log.size).toBe(3)
  })

  it('refuses a capacity it cannot hold', () => {
    expect(() => new PointLog(0)).toThrow(/holds 1 to/)
    expect(() => new PointLog(2 ** 33)).toThrow(/holds 1 to/)
  })
})

describe('PointLog shared by many series', () => {
  /** 600 series fed round robin, each point's time its arrival order. */
  function fleet(capacity: number) {
    const log = new PointLog(capacity)
    const ids = range(1, 601)
    let clock = 0
    const feed = (rounds: number): void => {
      for (let r = 0; r < rounds; r++) for (const id of ids) log.push(id, clock++, r)
    }
    const held = (): number => ids.reduce((n, id) => n + log.length(id), 0)
    return { log, ids, feed, held, clock: () => clock }
  }

  it('holds exactly its capacity across all series, flat however long the run', () => {
    const { log, ids, feed, held, clock } = fleet(200_000)
    for (let step = 0; step < 10; step++) {
      feed(1000) // 600,000 points per step
      expect(log.size).toBe(200_000)
      expect(held()).toBe(200_000)
      // What is held is exactly the newest 200,000 points, each series' in order.
      for (const id of ids) {
        const t = Array.from(log.copy(id).t)
        const newest = clock() - 601 + id
        expect(t[t.length - 1]).toBe(newest)
        expect(t[0]).toBeGreaterThanOrEqual(clock() - 200_000)
        expect(t[0] - 600).toBeLessThan(clock() - 200_000)
        expect(t.every((x, i) => i === 0 || x - t[i - 1] === 600)).toBe(true)
      }
    }
  })

  it('drops the oldest points first, whichever series they belong to', () => {
    const log = new PointLog(4096)
    for (let t = 0; t < 3000; t++) log.push(1, t, 1)
    for (let t = 3000; t < 6000; t++) log.push(2, t, 2)
    // The early series gave up its oldest points for the late one, which kept all of its own.
    expect(log.length(2)).toBe(3000)
    expect(log.length(1)).toBe(4096 - 3000)
    expect(Array.from(log.copy(1).t)).toEqual(range(6000 - 4096, 3000))
    // Once the late series has filled the log, nothing of the early one is left.
    for (let t = 6000; t < 7100; t++) log.push(2, t, 2)
    expect(log.length(1)).toBe(0)
    expect(log.latest(1)).toBeNaN()
    expect(log.copy(1).t.length).toBe(0)
    expect(log.length(2)).toBe(4096)
  })

  it('reads a quiet series back only as far as its points are still held', () => {
    // Series 1 writes a point now and then among many of series 2: its links jump far back.
    const log = new PointLog(1000)
    let t = 0
    for (let round = 0; round < 20; round++) {
      log.push(1, t++, round)
      for (let i = 0; i < 249; i++) log.push(2, t++, i)
    }
    // 1000 points held: series 1's last four (250 apart) lie within the newest 1000.
    expect(Array.from(log.copy(1).v)).toEqual([16, 17, 18, 19])
    expect(log.length(2)).toBe(1000 - 4)
  })

  it('keeps 100,000 series of one point each, and each reads back its own', () => {
    const log = new PointLog(1_000_000)
    for (let id = 1; id <= 100_000; id++) log.push(id, id, -id)
    expect(log.size).toBe(100_000)
    for (const id of [1, 2, 777, 50_000, 100_000]) {
      expect(log.length(id)).toBe(1)
      expect(Array.from(log.copy(id).v)).toEqual([-id])
    }
    expect(log.length(100_001)).toBe(0)
  })
})
