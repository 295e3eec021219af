import { describe, expect, it } from 'vitest'
import { decimateMinMax, gapThreshold } from '../decimate'
import { SeriesBuffer } from '../series-store'

/**
 * Indices a min/max decimation must keep: the first and the last point, every point outside
 * [x0, x1) as it is, and each column's first minimum and first maximum.
 */
function expectedIndices(t: Float64Array, v: Float64Array, x0: number, x1: number, width: number) {
  const keep = new Set<number>([0, t.length - 1])
  for (let i = 0; i < t.length; i++) if (t[i] < x0 || t[i] >= x1) keep.add(i)
  for (let c = 0; c < width; c++) {
    let lo = -1
    let hi = -1
    for (let i = 0; i < t.length; i++) {
      if (t[i] < x0 || t[i] >= x1) continue
      if (Math.floor(((t[i] - x0) * width) / (x1 - x0)) !== c) continue
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

  it('keeps points outside the x range as they are, and the range ends', () => {
    // One point on each side outside [100, 900), as visibleRange gives.
    const d = decimateMinMax(t, v, 9, 91, 100, 900, 8)
    const sub = expectedIndices(t.subarray(9, 91), v.subarray(9, 91), 100, 900, 8).map((i) => i + 9)
    expect(Array.from(d.t)).toEqual(sub.map((i) => t[i]))
    expect(d.t[0]).toBe(90)
    expect(d.t[d.length - 1]).toBe(900)
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

  it('gives the same result with the block index as with a plain scan', () => {
    const n = 200_000
    const bigT = Float64Array.from({ length: n }, (_, i) => i * 2)
    // Integer values so that ties happen: the first occurrence must win in both paths.
    const bigV = Float64Array.from({ length: n }, (_, i) =>
      Math.round(50 * Math.sin(i / 777) + ((i * 7919) % 13))
    )
    const buffer = new SeriesBuffer(n)
    buffer.append(bigT, bigV)
    for (const [i0, i1, width] of [
      [0, n, 1000],
      [12_345, 187_654, 733],
      [5, 40_000, 64]
    ]) {
      const plain = decimateMinMax(buffer.t, buffer.v, i0, i1, bigT[i0], bigT[i1 - 1], width)
      const indexed = decimateMinMax(buffer.t, buffer.v, i0, i1, bigT[i0], bigT[i1 - 1], width, {
        index: buffer
      })
      expect(Array.from(indexed.t)).toEqual(Array.from(plain.t))
      expect(Array.from(indexed.v)).toEqual(Array.from(plain.v))
    }
  })
})

describe('gaps', () => {
  // One point a second, silent from 50 s to 80 s.
  const times = [
    ...Array.from({ length: 50 }, (_, i) => i * 1000),
    ...Array.from({ length: 20 }, (_, i) => 80_000 + i * 1000)
  ]
  const t = Float64Array.from(times)
  const v = Float64Array.from(times, (x) => x / 1000)

  it('estimates the join limit as five times the median interval', () => {
    expect(gapThreshold(t, 0, t.length)).toBe(5000)
    expect(gapThreshold(t, 0, 3)).toBe(Infinity)
    // Repeated timestamps do not count as intervals.
    expect(gapThreshold(Float64Array.from([0, 0, 0, 10, 10, 20, 30, 30, 40]), 0, 9)).toBe(50)
  })

  it('marks a gap with a NaN point when points pass through', () => {
    const d = decimateMinMax(t, v, 0, t.length, 0, 99_000, 1000, { gapMs: 5000 })
    expect(d.length).toBe(t.length + 1)
    expect(d.v[49]).toBe(49)
    expect(d.v[50]).toBeNaN()
    expect(d.v[51]).toBe(80)
    // No gap, no copy.
    const whole = decimateMinMax(t, v, 0, 50, 0, 49_000, 1000, { gapMs: 5000 })
    expect(whole.passthrough).toBe(true)
    expect(Array.from(whole.v).some(Number.isNaN)).toBe(false)
  })

  it('marks a gap between columns when decimating, and only there', () => {
    const d = decimateMinMax(t, v, 0, t.length, 0, 99_000, 20, { gapMs: 5000 })
    const breaks = Array.from(d.v).flatMap((y, i) => (Number.isNaN(y) ? [i] : []))
    expect(breaks).toHaveLength(1)
    const at = breaks[0]
    expect(d.t[at - 1]).toBeLessThanOrEqual(49_000)
    expect(d.t[at + 1]).toBeGreaterThanOrEqual(80_000)
    // The same data without a limit joins across the silence.
    const joined = decimateMinMax(t, v, 0, t.length, 0, 99_000, 20)
    expect(Array.from(joined.v).some(Number.isNaN)).toBe(false)
  })
})
