import { describe, expect, it } from 'vitest'
import { RingBudget, SeriesRing } from '../series-ring'

function filled(max: number, n: number): SeriesRing {
  const ring = new SeriesRing(max)
  for (let i = 0; i < n; i++) ring.push(1000 + i, i * 0.5)
  return ring
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

describe('SeriesRing', () => {
  it('keeps every point in order in chunks that start small and double up to a cap', () => {
    const ring = new SeriesRing(1_000_000)
    expect(ring.capacity).toBe(0)
    expect(ring.latest()).toBeNaN()
    const capacities = new Set<number>()
    for (let i = 0; i < 5000; i++) {
      ring.push(1000 + i, i * 0.5)
      capacities.add(ring.capacity)
    }
    // 32, 64, ... 1024, then 1024 at a time.
    expect([...capacities].slice(0, 7)).toEqual([32, 96, 224, 480, 992, 2016, 3040])
    expect(ring.length).toBe(5000)
    const { t, v } = ring.copy()
    expect(Array.from(t)).toEqual(range(1000, 6000))
    expect(Array.from(v)).toEqual(range(0, 5000).map((i) => i * 0.5))
    expect(ring.latest()).toBe(4999 * 0.5)
  })

  it('on a budget of its own, drops its oldest chunks beyond the bound and keeps the newest points', () => {
    const ring = filled(100, 1000)
    // Chunks are at most a quarter of the budget: between 75 and 100 points remain.
    expect(ring.length).toBeGreaterThanOrEqual(75)
    expect(ring.length).toBeLessThanOrEqual(100)
    expect(ring.capacity).toBeLessThanOrEqual(100)
    const { t } = ring.copy()
    expect(Array.from(t)).toEqual(range(2000 - ring.length, 2000))
    expect(ring.latest()).toBe(999 * 0.5)
  })

  it('copies an inclusive time range, oldest first, the newest kept when limited', () => {
    const ring = filled(1000, 25) // t 1000..1024
    expect(Array.from(ring.copy(1017, 1020).t)).toEqual([1017, 1018, 1019, 1020])
    expect(Array.from(ring.copy(1017, 1020).v)).toEqual([8.5, 9, 9.5, 10])
    expect(Array.from(ring.copy(1023).t)).toEqual([1023, 1024])
    expect(Array.from(ring.copy(undefined, 1001).t)).toEqual([1000, 1001])
    expect(ring.copy(2000, 3000).t.length).toBe(0)
    const limited = ring.copy(undefined, undefined, 3)
    expect(Array.from(limited.t)).toEqual([1022, 1023, 1024])
    expect(Array.from(limited.v)).toEqual([11, 11.5, 12])
    expect(Array.from(ring.copy(1016, 1020, 2).t)).toEqual([1019, 1020])
    expect(ring.copy(undefined, undefined, 0).t.length).toBe(0)
    expect(ring.copy(undefined, undefined, 100).t.length).toBe(25)
  })

  it('returns copies that later pushes do not change', () => {
    const ring = filled(1000, 4)
    const before = ring.copy()
    ring.push(5000, 99)
    expect(Array.from(before.t)).toEqual([1000, 1001, 1002, 1003])
    expect(Array.from(ring.copy().t)).toEqual([1000, 1001, 1002, 1003, 5000])
  })

  it('is empty after clear() and gives its chunks back to the budget', () => {
    const budget = new RingBudget(10_000)
    const ring = new SeriesRing(10_000)
    ring.share(budget)
    for (let i = 0; i < 500; i++) ring.push(i, i)
    expect(budget.used).toBe(ring.capacity)
    ring.clear()
    expect(ring.length).toBe(0)
    expect(budget.used).toBe(0)
    expect(ring.copy().t.length).toBe(0)
    expect(ring.latest()).toBeNaN()
    ring.push(1, 2)
    ring.push(3, 4)
    expect(Array.from(ring.copy().t)).toEqual([1, 3])
    expect(ring.latest()).toBe(4)
  })
})

describe('RingBudget shared by many series', () => {
  /** 600 rings on one budget, fed round robin, each point's time its arrival order. */
  function fleet(budgetPoints: number) {
    const budget = new RingBudget(budgetPoints)
    const rings = Array.from({ length: 600 }, () => {
      const ring = new SeriesRing(budgetPoints)
      ring.share(budget)
      return ring
    })
    let clock = 0
    const feed = (rounds: number): void => {
      for (let r = 0; r < rounds; r++) for (const ring of rings) ring.push(clock++, r)
    }
    const held = (): number => rings.reduce((n, ring) => n + ring.length, 0)
    return { budget, rings, feed, held, clock: () => clock }
  }

  it('holds at most the budget across all series, flat however long the run', () => {
    const { budget, rings, feed, held, clock } = fleet(200_000)
    const used: number[] = []
    for (let step = 0; step < 10; step++) {
      feed(1000) // 600,000 points per step
      used.push(budget.used)
      expect(budget.used).toBeLessThanOrEqual(budget.maxPoints)
      expect(held()).toBeLessThanOrEqual(budget.maxPoints)
      // Every series keeps its newest point.
      for (const [i, ring] of rings.entries())
        expect(ring.copy(undefined, undefined, 1).t[0]).toBe(clock() - 600 + i)
    }
    // Full after the first step and flat from then on.
    expect(Math.min(...used)).toBeGreaterThan(budget.maxPoints - 600 * budget.maxChunk)
    expect(held()).toBeGreaterThan(budget.maxPoints / 2)
  })

  it('drops the chunk filled first, whichever series it belongs to', () => {
    const budget = new RingBudget(4096)
    const early = new SeriesRing(4096)
    const late = new SeriesRing(4096)
    early.share(budget)
    late.share(budget)
    for (let t = 0; t < 3000; t++) early.push(t, 1)
    for (let t = 3000; t < 6000; t++) late.push(t, 2)
    // The early series gave up its oldest points for the late one, which kept all of its own.
    expect(late.length).toBe(3000)
    expect(early.length).toBeLessThan(3000)
    expect(early.copy().t[0]).toBeGreaterThan(0)
    expect(Array.from(early.copy().t)).toEqual(range(3000 - early.length, 3000))
    expect(budget.used).toBeLessThanOrEqual(4096)
  })

  it('keeps 100,000 series of one point each inside the budget', () => {
    const budget = new RingBudget(1_000_000)
    const rings = Array.from({ length: 100_000 }, () => {
      const ring = new SeriesRing(1_000_000)
      ring.share(budget)
      return ring
    })
    rings.forEach((ring, i) => ring.push(i, i))
    // The chunks being filled shrink as series join: a quarter of the budget in all.
    expect(budget.used).toBeLessThanOrEqual(budget.maxPoints / 4)
    expect(rings.every((ring) => ring.length === 1)).toBe(true)
  })
})
