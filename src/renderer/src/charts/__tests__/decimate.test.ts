import { describe, expect, it } from 'vitest'
import { decimateMinMax } from '../decimate'

/** Indices a min/max decimation must keep: first, last, and each column's first min and max. */
function expectedIndices(t: Float64Array, v: Float64Array, x0: number, x1: number, width: number) {
  const keep = new Set<number>([0, t.length - 1])
  for (let c = 0; c < width; c++) {
    let lo = -1
    let hi = -1
    for (let i = 0; i < t.length; i++) {
      const col = Math.min(width - 1, Math.max(0, Math.floor(((t[i] - x0) * width) / (x1 - x0))))
      if (col !== c) continue
      if (lo < 0 || v[i] < v[lo]) lo = i
      if (hi < 0 || v[i] > v[hi]) hi = i
    }
    if (lo >= 0) keep.add(lo).add(hi)
  }
  return [...keep].sort((a, b) => a - b)
}

describe('decimateMinMax', () => {
  // 100 points over 10 columns: a saw tooth with a spike and a dip in known places.
  const t = Float64Array.from({ length: 100 }, (_, i) => i * 10)
  const v = Float64Array.from({ length: 100 }, (_, i) => (i * 7) % 13)
  v[42] = 100
  v[77] = -50

  it('keeps every column min and max plus the first and last point, in time order', () => {
    const d = decimateMinMax(t, v, 0, 100, 0, 1000, 10)
    expect(d.passthrough).toBe(false)
    const idx = expectedIndices(t, v, 0, 1000, 10)
    expect(Array.from(d.t)).toEqual(idx.map((i) => t[i]))
    expect(Array.from(d.v)).toEqual(idx.map((i) => v[i]))
    expect(d.length).toBeLessThanOrEqual(2 * 10 + 2)
    expect(d.t[0]).toBe(0)
    expect(d.t[d.length - 1]).toBe(990)
    expect(Array.from(d.v)).toContain(100)
    expect(Array.from(d.v)).toContain(-50)
  })

  it('every column keeps exactly its extremes', () => {
    const d = decimateMinMax(t, v, 0, 100, 0, 1000, 10)
    for (let c = 0; c < 10; c++) {
      const inCol = (x: number) => x >= c * 100 && x < (c + 1) * 100
      const original = Array.from(v).filter((_, i) => inCol(t[i]))
      const kept = Array.from(d.v).filter((_, i) => inCol(d.t[i]))
      expect(Math.min(...kept)).toBe(Math.min(...original))
      expect(Math.max(...kept)).toBe(Math.max(...original))
    }
  })

  it('clamps points outside the x range into the edge columns and keeps the range ends', () => {
    const d = decimateMinMax(t, v, 5, 95, 100, 900, 8)
    const sub = expectedIndices(t.subarray(5, 95), v.subarray(5, 95), 100, 900, 8).map((i) => i + 5)
    expect(Array.from(d.t)).toEqual(sub.map((i) => t[i]))
    expect(d.t[0]).toBe(t[5])
    expect(d.t[d.length - 1]).toBe(t[94])
  })

  it('passes fewer points than pixel columns through untouched', () => {
    const small = Float64Array.from([1, 2, 3, 4, 5])
    const vals = Float64Array.from([5, 1, 4, 2, 3])
    const d = decimateMinMax(small, vals, 1, 4, 0, 10, 100)
    expect(d.passthrough).toBe(true)
    expect(d.length).toBe(3)
    expect(Array.from(d.t)).toEqual([2, 3, 4])
    expect(Array.from(d.v)).toEqual([1, 4, 2])
    expect(d.t.buffer).toBe(small.buffer)
  })

  it('handles an empty range', () => {
    const d = decimateMinMax(t, v, 10, 10, 0, 1000, 10)
    expect(d.length).toBe(0)
  })

  it('reduces a million points to at most two per column', () => {
    const n = 1_000_000
    const bigT = Float64Array.from({ length: n }, (_, i) => i)
    const bigV = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 1000))
    const d = decimateMinMax(bigT, bigV, 0, n, 0, n, 1000)
    expect(d.length).toBeLessThanOrEqual(2002)
    expect(d.t[0]).toBe(0)
    expect(d.t[d.length - 1]).toBe(n - 1)
    for (let i = 1; i < d.length; i++) expect(d.t[i]).toBeGreaterThan(d.t[i - 1])
  })
})
