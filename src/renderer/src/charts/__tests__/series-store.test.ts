import { describe, expect, it, vi } from 'vitest'
import type { SeriesDef } from '../../../../shared/types'
import { SeriesBuffer, SeriesStore, lowerBound, upperBound, visibleRange } from '../series-store'
import { batchOfSeries } from '../../../../shared/batch-columns'

const f64 = (...xs: number[]) => Float64Array.from(xs)

describe('binary search', () => {
  const t = f64(10, 20, 20, 30, 40)
  it('finds lower and upper bounds', () => {
    expect(lowerBound(t, 5)).toBe(0)
    expect(lowerBound(t, 20)).toBe(1)
    expect(upperBound(t, 20)).toBe(3)
    expect(lowerBound(t, 45)).toBe(5)
    expect(upperBound(t, 40)).toBe(5)
  })
  it('widens the visible range by one point each side', () => {
    expect(visibleRange(t, 20, 30)).toEqual([0, 5])
    expect(visibleRange(t, 25, 35)).toEqual([2, 5])
    expect(visibleRange(t, 0, 9)).toEqual([0, 1])
    expect(visibleRange(t, 50, 60)).toEqual([4, 5])
    expect(visibleRange(f64(), 0, 1)).toEqual([0, 0])
  })
})

describe('SeriesBuffer', () => {
  it('appends in order and reports the latest point', () => {
    const b = new SeriesBuffer(10)
    b.append(f64(1, 2, 3), f64(10, 20, 30))
    b.append(f64(4), f64(40))
    expect(Array.from(b.t)).toEqual([1, 2, 3, 4])
    expect(Array.from(b.v)).toEqual([10, 20, 30, 40])
    expect(b.lastT).toBe(4)
    expect(b.lastV).toBe(40)
    expect(b.firstT).toBe(1)
  })

  it('drops the oldest points beyond capacity', () => {
    const b = new SeriesBuffer(5)
    b.append(f64(1, 2, 3), f64(1, 2, 3))
    b.append(f64(4, 5, 6, 7, 8), f64(4, 5, 6, 7, 8))
    expect(b.length).toBe(5)
    expect(Array.from(b.t)).toEqual([4, 5, 6, 7, 8])
    b.append(f64(9, 10, 11, 12, 13, 14, 15), f64(9, 10, 11, 12, 13, 14, 15))
    expect(Array.from(b.v)).toEqual([11, 12, 13, 14, 15])
  })

  it('keeps exactly the newest `capacity` points over many growths and slides', () => {
    const b = new SeriesBuffer(3000)
    let next = 0
    for (let round = 0; round < 2000; round++) {
      const n = 1 + (round % 13)
      const t = Float64Array.from({ length: n }, (_, i) => next + i)
      next += n
      b.append(t, t)
      expect(b.length).toBe(Math.min(3000, next))
      expect(b.lastT).toBe(next - 1)
    }
    const t = b.t
    expect(t[0]).toBe(next - 3000)
    for (let i = 1; i < t.length; i++) expect(t[i]).toBe(t[i - 1] + 1)
  })

  it('inserts late points in time order and skips exact repeats', () => {
    const b = new SeriesBuffer(10)
    b.append(f64(1, 3, 5), f64(10, 30, 50))
    b.append(f64(4, 2, 5, 6), f64(40, 20, 50, 60))
    expect(Array.from(b.t)).toEqual([1, 2, 3, 4, 5, 6])
    expect(Array.from(b.v)).toEqual([10, 20, 30, 40, 50, 60])
    // Same time, different value: a second reading, kept.
    b.append(f64(6), f64(61))
    expect(Array.from(b.v)).toEqual([10, 20, 30, 40, 50, 60, 61])
  })

  it('ignores non-finite points', () => {
    const b = new SeriesBuffer(10)
    expect(b.append(f64(1, NaN, 3), f64(1, 2, Infinity))).toBe(1)
    expect(Array.from(b.t)).toEqual([1])
  })
})

describe('SeriesStore', () => {
  const def = (id: number, unit = '°C'): SeriesDef => ({
    id,
    connection: 'lab',
    topic: 'sensors/bmp280',
    field: 'temperature',
    unit
  })

  it('loads a snapshot, applies batches and notifies per changed series', () => {
    const store = new SeriesStore(100)
    const onData = vi.fn()
    const onDefs = vi.fn()
    store.onData(onData)
    store.onDefs(onDefs)
    store.loadSnapshot({
      defs: [def(1)],
      series: [{ id: 1, t: f64(1, 2), v: f64(20, 21) }],
      topics: []
    })
    expect(onDefs).toHaveBeenCalledTimes(1)
    expect(store.defs.map((d) => d.id)).toEqual([1])

    const defsBefore = store.defs
    store.applyBatch(
      batchOfSeries({ defs: [], series: [{ id: 1, t: f64(3), v: f64(22) }], topics: [] })
    )
    expect(store.defs).toBe(defsBefore)
    expect(onDefs).toHaveBeenCalledTimes(1)
    expect(onData).toHaveBeenLastCalledWith(new Set([1]))
    expect(store.get(1)?.lastV).toBe(22)

    store.applyBatch(
      batchOfSeries({
        defs: [def(2, 'hPa')],
        series: [
          { id: 2, t: f64(3), v: f64(1013) },
          { id: 9, t: f64(1), v: f64(1) }
        ],
        topics: []
      })
    )
    expect(onDefs).toHaveBeenCalledTimes(2)
    expect(store.defs.map((d) => d.id)).toEqual([1, 2])
    expect(store.get(9)).toBeUndefined()
  })

  it('a snapshot overlapping the next batch yields each reading once', () => {
    const store = new SeriesStore(100)
    store.loadSnapshot({
      defs: [def(1)],
      series: [{ id: 1, t: f64(1, 2, 3), v: f64(1, 2, 3) }],
      topics: []
    })
    store.applyBatch(
      batchOfSeries({
        defs: [def(1)],
        series: [{ id: 1, t: f64(3, 4), v: f64(3, 4) }],
        topics: []
      })
    )
    expect(Array.from(store.get(1)!.t)).toEqual([1, 2, 3, 4])
  })

  it('reset empties everything', () => {
    const store = new SeriesStore(100)
    store.loadSnapshot({ defs: [def(1)], series: [{ id: 1, t: f64(1), v: f64(1) }], topics: [] })
    store.reset()
    expect(store.defs).toEqual([])
    expect(store.get(1)).toBeUndefined()
  })
})

describe('SeriesBuffer bulk paths', () => {
  it('adopts a large ordered snapshot without copying and copies before writing', () => {
    const n = 4096
    const t = Float64Array.from({ length: n }, (_, i) => i)
    const v = Float64Array.from({ length: n }, (_, i) => i * 2)
    const b = new SeriesBuffer(10_000)
    expect(b.append(t, v)).toBe(n)
    expect(b.t.buffer).toBe(t.buffer)
    const out = new Int32Array(2)
    b.extremes(0, n, out)
    b.append(f64(n + 0.5, 10.5), f64(-1, -2))
    expect(t[n - 1]).toBe(n - 1)
    expect(b.length).toBe(n + 2)
    expect(Array.from(b.t.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10.5])
    expect(b.t.buffer).not.toBe(t.buffer)
    expect(t[11]).toBe(11)
    // Block summaries made before the copy still hold after it.
    b.append(f64(n + 1), f64(1e9))
    b.extremes(0, b.length, out)
    expect([b.v[out[0]], b.v[out[1]]]).toEqual([-2, 1e9])
  })

  it('copies the ordered head of a batch and inserts the rest one by one', () => {
    const b = new SeriesBuffer(100)
    b.append(f64(1, 2, 3), f64(1, 2, 3))
    expect(b.append(f64(4, 5, 2.5, NaN, 6), f64(4, 5, 2.5, 1, 6))).toBe(4)
    expect(Array.from(b.t)).toEqual([1, 2, 2.5, 3, 4, 5, 6])
  })
})
