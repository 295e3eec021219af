import { describe, expect, it } from 'vitest'
import { SeriesRing } from '../series-ring'

function filled(max: number, n: number, initial?: number): SeriesRing {
  const ring = new SeriesRing(max, initial)
  for (let i = 0; i < n; i++) ring.push(1000 + i, i * 0.5)
  return ring
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

describe('SeriesRing', () => {
  it('starts small and doubles its capacity as points arrive, keeping them in order', () => {
    const ring = new SeriesRing(1000, 4)
    expect(ring.capacity).toBe(4)
    expect(ring.latest()).toBeNaN()
    const capacities: number[] = []
    for (let i = 0; i < 20; i++) {
      ring.push(1000 + i, i * 0.5)
      capacities.push(ring.capacity)
    }
    expect([...new Set(capacities)]).toEqual([4, 8, 16, 32])
    expect(ring.length).toBe(20)
    const { t, v } = ring.copy()
    expect(Array.from(t)).toEqual(range(1000, 1020))
    expect(Array.from(v)).toEqual(range(0, 20).map((i) => i * 0.5))
    expect(ring.latest()).toBe(9.5)
  })

  it('never grows past its bound and overwrites the oldest points', () => {
    const ring = filled(10, 25, 4)
    expect(ring.capacity).toBe(10)
    expect(ring.length).toBe(10)
    const { t, v } = ring.copy()
    expect(Array.from(t)).toEqual(range(1015, 1025))
    expect(Array.from(v)).toEqual(range(15, 25).map((i) => i * 0.5))
    expect(ring.latest()).toBe(12)
  })

  it('caps the first allocation at the bound', () => {
    const ring = filled(3, 5)
    expect(ring.capacity).toBe(3)
    expect(Array.from(ring.copy().t)).toEqual([1002, 1003, 1004])
  })

  it('stays correct over many wrap-arounds', () => {
    const ring = filled(7, 1000, 2)
    expect(Array.from(ring.copy().t)).toEqual(range(1993, 2000))
    expect(ring.latest()).toBe(999 * 0.5)
  })

  it('copies an inclusive time range, oldest first', () => {
    const ring = filled(10, 25, 4) // holds t 1015..1024
    expect(Array.from(ring.copy(1017, 1020).t)).toEqual([1017, 1018, 1019, 1020])
    expect(Array.from(ring.copy(1017, 1020).v)).toEqual([8.5, 9, 9.5, 10])
    expect(Array.from(ring.copy(1023).t)).toEqual([1023, 1024])
    expect(Array.from(ring.copy(undefined, 1016).t)).toEqual([1015, 1016])
    expect(ring.copy(2000, 3000).t.length).toBe(0)
    expect(ring.copy(0, 1014).t.length).toBe(0)
  })

  it('keeps the newest points when a copy is limited', () => {
    const ring = filled(10, 25, 4)
    const { t, v } = ring.copy(undefined, undefined, 3)
    expect(Array.from(t)).toEqual([1022, 1023, 1024])
    expect(Array.from(v)).toEqual([11, 11.5, 12])
    expect(Array.from(ring.copy(1016, 1020, 2).t)).toEqual([1019, 1020])
    expect(ring.copy(undefined, undefined, 0).t.length).toBe(0)
    expect(ring.copy(undefined, undefined, 100).t.length).toBe(10)
  })

  it('returns copies that later pushes do not change', () => {
    const ring = filled(4, 4)
    const before = ring.copy()
    ring.push(5000, 99)
    expect(Array.from(before.t)).toEqual([1000, 1001, 1002, 1003])
    expect(Array.from(ring.copy().t)).toEqual([1001, 1002, 1003, 5000])
  })

  it('is empty after clear() and fills again from the start', () => {
    const ring = filled(5, 12)
    ring.clear()
    expect(ring.length).toBe(0)
    expect(ring.copy().t.length).toBe(0)
    expect(ring.latest()).toBeNaN()
    ring.push(1, 2)
    ring.push(3, 4)
    expect(Array.from(ring.copy().t)).toEqual([1, 3])
    expect(ring.latest()).toBe(4)
  })
})
