import { describe, expect, it, vi } from 'vitest'
import type { HistorySnapshot, SeriesDef } from '../../../../shared/types'
import { AUTO_SERIES_LIMIT } from '../chart-choice'
import { SeriesStore } from '../series-store'
import { batchOfSeries } from '../../../../shared/batch-columns'

const f64 = (...xs: number[]) => Float64Array.from(xs)

const def = (id: number, connection = 'plant', topic = `plant/dev${id}`): SeriesDef => ({
  id,
  connection,
  topic,
  field: 'value',
  unit: ''
})

/** A loader whose answer the test gives when it wants, as the core answers after a while. */
function pendingLoader() {
  const calls: { ids: number[]; answer: (s: HistorySnapshot) => void; fail: (e: Error) => void }[] =
    []
  const loader = vi.fn(
    (ids: number[]) =>
      new Promise<HistorySnapshot>((answer, fail) => calls.push({ ids, answer, fail }))
  )
  return { loader, calls }
}

const flush = () => new Promise((r) => setTimeout(r, 0))

/** `count` series on one connection, each with the points 1..3 (values id*10 + t). */
function fleet(count: number, connection = 'plant'): HistorySnapshot {
  const defs = Array.from({ length: count }, (_, i) => def(i + 1, connection))
  return {
    defs,
    series: defs.map((d) => ({
      id: d.id,
      t: f64(1, 2, 3),
      v: f64(d.id * 10 + 1, d.id * 10 + 2, d.id * 10 + 3)
    })),
    topics: []
  }
}

describe('which series keep their points', () => {
  it('keeps every series of a connection with few series, as the dashboard charts them all', () => {
    const store = new SeriesStore(100)
    store.loadSnapshot(fleet(AUTO_SERIES_LIMIT))
    expect(store.keptCount).toBe(AUTO_SERIES_LIMIT)
    expect(Array.from(store.get(1)!.v)).toEqual([11, 12, 13])
    store.applyBatch(
      batchOfSeries({ defs: [], series: [{ id: 1, t: f64(4), v: f64(14) }], topics: [] })
    )
    expect(store.get(1)!.lastV).toBe(14)
  })

  it('keeps no points for the series of a connection with many, unless a chart shows them', () => {
    const store = new SeriesStore(100)
    store.loadSnapshot(fleet(500))
    expect(store.defs).toHaveLength(500)
    expect(store.keptCount).toBe(0)
    expect(store.get(7)).toBeUndefined()
    const onData = vi.fn()
    store.onData(onData)
    store.applyBatch(
      batchOfSeries({ defs: [], series: [{ id: 7, t: f64(4), v: f64(74) }], topics: [] })
    )
    expect(store.get(7)).toBeUndefined()
    expect(onData).not.toHaveBeenCalled()
  })

  it('drops the automatic points when a connection grows past the limit, but not a charted one', () => {
    const store = new SeriesStore(100)
    store.loadSnapshot(fleet(AUTO_SERIES_LIMIT))
    const release = store.watch([3])
    store.applyBatch(batchOfSeries({ defs: [def(AUTO_SERIES_LIMIT + 1)], series: [], topics: [] }))
    expect(store.get(1)).toBeUndefined()
    expect(Array.from(store.get(3)!.v)).toEqual([31, 32, 33])
    expect(store.get(AUTO_SERIES_LIMIT + 1)).toBeUndefined()
    expect(store.keptCount).toBe(1)
    release()
    expect(store.keptCount).toBe(0)
  })

  it('counts neither the broker’s $SYS series nor other connections against a connection', () => {
    const store = new SeriesStore(100)
    const sys = Array.from({ length: 20 }, (_, i) => def(100 + i, 'plant', `$SYS/broker/x${i}`))
    const other = Array.from({ length: 20 }, (_, i) => def(200 + i, 'lab'))
    store.loadSnapshot({ defs: [def(1), ...sys, ...other], series: [], topics: [] })
    // plant has one series of its own: kept; $SYS only when shown; lab has 20: none kept.
    expect(store.get(1)).toBeDefined()
    expect(store.get(100)).toBeUndefined()
    expect(store.get(200)).toBeUndefined()
  })
})

describe('a chart that starts showing a series', () => {
  it('loads its recent points from the core, then follows the stream without a gap or a repeat', async () => {
    const { loader, calls } = pendingLoader()
    const store = new SeriesStore(100, loader)
    store.loadSnapshot(fleet(500))
    const onData = vi.fn()
    store.onData(onData)

    store.watch([42])
    expect(loader).toHaveBeenCalledTimes(1)
    expect(calls[0].ids).toEqual([42])
    expect(store.isLoading(42)).toBe(true)
    // Batches go on while the core answers: one the answer also holds (4), then newer ones.
    store.applyBatch(
      batchOfSeries({ defs: [], series: [{ id: 42, t: f64(4), v: f64(424) }], topics: [] })
    )
    store.applyBatch(
      batchOfSeries({ defs: [], series: [{ id: 42, t: f64(5, 6), v: f64(425, 426) }], topics: [] })
    )
    expect(Array.from(store.get(42)!.t)).toEqual([4, 5, 6])
    calls[0].answer({
      defs: [def(42)],
      series: [{ id: 42, t: f64(1, 2, 3, 4), v: f64(421, 422, 423, 424) }],
      topics: []
    })
    await flush()
    expect(store.isLoading(42)).toBe(false)
    expect(onData).toHaveBeenLastCalledWith(new Set([42]))
    store.applyBatch(
      batchOfSeries({ defs: [], series: [{ id: 42, t: f64(7), v: f64(427) }], topics: [] })
    )
    expect(Array.from(store.get(42)!.t)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(Array.from(store.get(42)!.v)).toEqual([421, 422, 423, 424, 425, 426, 427])
    // Nothing else was kept for it.
    expect(store.keptCount).toBe(1)
  })

  it('keeps a series two charts show until both let go, and loads it only once', () => {
    const { loader } = pendingLoader()
    const store = new SeriesStore(100, loader)
    store.loadSnapshot(fleet(500))
    const first = store.watch([5, 6])
    const second = store.watch([6])
    expect(loader).toHaveBeenCalledTimes(1)
    first()
    first()
    expect(store.get(5)).toBeUndefined()
    expect(store.get(6)).toBeDefined()
    second()
    expect(store.get(6)).toBeUndefined()
    expect(store.keptCount).toBe(0)
  })

  it('asks nothing of the core for a series whose points are already kept', () => {
    const { loader } = pendingLoader()
    const store = new SeriesStore(100, loader)
    store.loadSnapshot(fleet(3))
    store.watch([1, 2])()
    expect(loader).not.toHaveBeenCalled()
    // Still the automatic case: the points stay.
    expect(Array.from(store.get(1)!.v)).toEqual([11, 12, 13])
  })

  it('keeps what streamed in and says why when the core cannot answer', async () => {
    const { loader, calls } = pendingLoader()
    const store = new SeriesStore(100, loader)
    store.loadSnapshot(fleet(500))
    store.watch([9])
    store.applyBatch(
      batchOfSeries({ defs: [], series: [{ id: 9, t: f64(4), v: f64(94) }], topics: [] })
    )
    calls[0].fail(new Error('the connection to the app was lost'))
    await flush()
    expect(store.loadError).toBe('the connection to the app was lost')
    expect(Array.from(store.get(9)!.v)).toEqual([94])
    expect(store.isLoading(9)).toBe(false)
  })

  it('ignores an answer that comes after everything was reloaded', async () => {
    const { loader, calls } = pendingLoader()
    const store = new SeriesStore(100, loader)
    store.loadSnapshot(fleet(500))
    store.watch([9])
    // A reconnect: a fresh snapshot with the series' points in it (it is still shown).
    store.loadSnapshot(fleet(500))
    expect(Array.from(store.get(9)!.v)).toEqual([91, 92, 93])
    calls[0].answer({ defs: [def(9)], series: [{ id: 9, t: f64(0), v: f64(-1) }], topics: [] })
    await flush()
    expect(Array.from(store.get(9)!.v)).toEqual([91, 92, 93])
  })
})
