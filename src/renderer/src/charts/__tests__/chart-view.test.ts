import { describe, expect, it } from 'vitest'
import type { SeriesDef } from '../../../../shared/types'
import { ChartView, type ChartLine } from '../chart-view'
import { SeriesStore } from '../series-store'
import { batchOfSeries } from '../../../../shared/batch-columns'

const def = (id: number, field: string, unit: string): SeriesDef => ({
  id,
  connection: 'lab',
  topic: 'esp32.out',
  field,
  unit
})
const line = (id: number, axis: 0 | 1 = 0): ChartLine => ({
  id,
  color: 'red',
  label: `series ${id}`,
  unit: '',
  axis
})

/** Two series, one point a second for 100 s ending at `now`, values 0..99 and 1000..1099. */
function setup() {
  let now = 1_700_000_100_000
  const store = new SeriesStore(1000)
  const t = Float64Array.from({ length: 100 }, (_, i) => now - 99_000 + i * 1000)
  store.loadSnapshot({
    defs: [def(1, 'temperature', '°C'), def(2, 'pressure', 'hPa')],
    series: [
      { id: 1, t, v: Float64Array.from(t, (_, i) => i) },
      { id: 2, t, v: Float64Array.from(t, (_, i) => 1000 + i) }
    ],
    topics: []
  })
  const view = new ChartView(store, () => now)
  view.setLines([line(1), line(2, 1)])
  const push = (value: number): void => {
    now += 1000
    store.applyBatch(
      batchOfSeries({
        defs: [],
        series: [{ id: 1, t: Float64Array.of(now), v: Float64Array.of(value) }],
        topics: []
      })
    )
  }
  const draw = (): [number, number] | null => {
    const d = view.computeDomain()
    view.frameDrawn(d)
    return d
  }
  return { store, view, push, draw, now: () => now }
}

describe('ChartView', () => {
  it('follows the chosen window ending now', () => {
    const { view, draw, now } = setup()
    expect(draw()).toEqual([now() - 99_000, now()])
    view.setWindow('1m')
    expect(draw()).toEqual([now() - 60_000, now()])
  })

  it('gives latest, min, max and mean over the window', () => {
    const { view, draw } = setup()
    view.setWindow('1m')
    draw()
    // The last 61 points: values 39..99.
    expect(view.stats(1)).toEqual({
      latest: 99,
      latestT: expect.any(Number),
      min: 39,
      max: 99,
      mean: 69,
      count: 61
    })
  })

  it('holds the view while paused and shows the newest data on resume', () => {
    const { view, push, draw, store } = setup()
    const before = draw()
    view.pause()
    push(500)
    expect(draw()).toEqual(before)
    expect(view.stats(1)?.latest).toBe(99)
    expect(store.get(1)?.lastV).toBe(500)
    view.resume()
    draw()
    expect(view.stats(1)?.latest).toBe(500)
  })

  it('holds back a point newer than the drawn ones even inside the drawn domain', () => {
    const { view, store, now } = setup()
    const domain = view.computeDomain(1000)!
    view.frameDrawn(domain)
    expect(domain[1]).toBeGreaterThanOrEqual(now())
    view.pause()
    store.applyBatch(
      batchOfSeries({
        defs: [],
        series: [{ id: 1, t: Float64Array.of(now() + 0.5), v: Float64Array.of(-5) }],
        topics: []
      })
    )
    expect(view.computeDomain(1000)).toEqual(domain)
    expect(view.stats(1)?.latest).toBe(99)
    expect(view.valuesAt(now() + 1)?.points[0].v).toBe(99)
  })

  it('clears what was shown but keeps the data in the store', () => {
    const { view, push, draw, store } = setup()
    draw()
    view.clear()
    expect(draw()).toBeNull()
    push(7)
    draw()
    expect(view.stats(1)).toMatchObject({ latest: 7, count: 1 })
    expect(store.get(1)?.length).toBe(101)
  })

  it('zooms to a fixed range and resets to live', () => {
    const { view, draw, now } = setup()
    const v0 = view.version
    view.setManualDomain([now() - 50_000, now() - 40_000])
    expect(view.zoomed).toBe(true)
    expect(view.version).toBe(v0 + 1)
    expect(draw()).toEqual([now() - 50_000, now() - 40_000])
    expect(view.stats(2)).toMatchObject({ min: 1049, max: 1059, count: 11 })
    view.resetZoom()
    expect(draw()).toEqual([now() - 99_000, now()])
  })

  it('reads the nearest values under the cursor from visible series only', () => {
    const { view, now } = setup()
    const at = view.valuesAt(now() - 10_400)
    expect(at).toEqual({
      t: now() - 10_000,
      points: [
        { id: 1, t: now() - 10_000, v: 89 },
        { id: 2, t: now() - 10_000, v: 1089 }
      ]
    })
    view.setHidden([2])
    expect(view.valuesAt(now() - 10_600)?.points).toEqual([{ id: 1, t: now() - 11_000, v: 88 }])
  })

  it('widens the drawn range by one point on each side', () => {
    const { view, store, now } = setup()
    const buffer = store.get(1)!
    expect(view.range(buffer, now() - 10_500, now() - 5_500)).toEqual([88, 95])
  })
})
