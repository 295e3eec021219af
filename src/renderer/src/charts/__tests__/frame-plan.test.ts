import { describe, expect, it } from 'vitest'
import type { SeriesDef } from '../../../../shared/types'
import { ChartView, type ChartLine } from '../chart-view'
import { ColumnCache } from '../column-cache'
import { decimateLine, frameGrid, measureFrame } from '../frame-plan'
import { FrameScheduler, MIN_BUDGET, type FrameHost } from '../frame-scheduler'
import { SeriesStore } from '../series-store'
import { StripTracker } from '../strip'
import { batchOfSeries } from '../../../../shared/batch-columns'

const SERIES = 200
const PIXELS = 1000
const START = 1_700_000_000_000

const def = (id: number): SeriesDef => ({
  id,
  connection: 'soak',
  topic: `soak/t${id}`,
  field: 'temperature',
  unit: '°C'
})
const line = (id: number): ChartLine => ({ id, color: 'red', label: `t${id}`, unit: '°C', axis: 0 })

/** 200 series in one chart, fed 5 readings a second each, in batches of one second. */
function setup() {
  let now = START
  const store = new SeriesStore()
  store.loadSnapshot({
    defs: Array.from({ length: SERIES }, (_, i) => def(i + 1)),
    series: [],
    topics: []
  })
  const view = new ChartView(store, () => now)
  view.setLines(Array.from({ length: SERIES }, (_, i) => line(i + 1)))
  /** Feeds `seconds` of readings with no frame drawn in between. */
  const feed = (seconds: number): void => {
    for (let s = 0; s < seconds; s++) {
      const series = Array.from({ length: SERIES }, (_, i) => {
        const t = Float64Array.from({ length: 5 }, (_, k) => now + 200 * k + i)
        const v = Float64Array.from(t, (x) => Math.sin(x / 7000 + i) * 10 + i)
        return { id: i + 1, t, v }
      })
      store.applyBatch(batchOfSeries({ defs: [], series, topics: [] }))
      now += 1000
    }
  }
  return { store, view, feed, now: () => now }
}

/** A scheduler whose budget has shrunk to the minimum (drawing could not keep up). */
function starvedScheduler(): FrameScheduler {
  const host: FrameHost = {
    now: () => 0,
    requestFrame: () => {},
    setTimeout: () => {},
    afterRender: () => {}
  }
  const scheduler = new FrameScheduler(host)
  scheduler.budget = MIN_BUDGET
  scheduler.attach({ lineCount: SERIES, drawFrame: () => 0 })
  return scheduler
}

/** One full frame as the renderer draws it: points per line, by line id. */
function drawFull(view: ChartView, caches: Map<number, ColumnCache>, group: number) {
  const grid = frameGrid(view.computeDomain(PIXELS)!, PIXELS, group)
  const measured = measureFrame(view, grid)
  const drawn = measured.lines.map((item) => {
    let cache = caches.get(item.line.id)
    if (!cache) caches.set(item.line.id, (cache = new ColumnCache()))
    const d = decimateLine(item, grid, cache, view.filterKey)
    return { id: item.line.id, t: Array.from(d.t), v: Array.from(d.v) }
  })
  return { grid, measured, drawn }
}

const lastFinite = (a: number[]): number => a.filter((x) => x === x).at(-1)!

describe('a chart of 200 series fed many batches while no frame was drawn', () => {
  it('draws bounded work and the latest data, however much arrived', () => {
    const { store, view, feed } = setup()
    const caches = new Map<number, ColumnCache>()
    const group = starvedScheduler().columnGroup(PIXELS)
    expect(group).toBeGreaterThan(1)
    const counts: number[] = []
    // Ten minutes of readings (the window), then ten more: held points double, work does not.
    for (const minutes of [10, 10]) {
      feed(minutes * 60)
      const { grid, measured, drawn } = drawFull(view, caches, group)
      // The domain in wide columns, a part column at each end.
      expect(grid.columns).toBeLessThanOrEqual(Math.ceil(PIXELS / group) + 2)
      const total = drawn.reduce((n, d) => n + d.t.length, 0)
      // Each line: a min and a max per drawn column, a point beyond each edge, breaks.
      expect(total).toBeLessThanOrEqual(SERIES * (2 * grid.columns + 4))
      counts.push(total)
      let lo = Infinity
      let hi = -Infinity
      for (const d of drawn) {
        const buffer = store.get(d.id)!
        // The newest reading of every series is drawn.
        expect(lastFinite(d.t)).toBe(buffer.lastT)
        expect(d.v[d.t.lastIndexOf(buffer.lastT)]).toBe(buffer.lastV)
        const t = buffer.t
        for (let i = 0; i < t.length; i++) {
          if (t[i] < grid.x0 || t[i] > grid.x1) continue
          lo = Math.min(lo, buffer.v[i])
          hi = Math.max(hi, buffer.v[i])
        }
      }
      expect(measured.extent[0]).toEqual([lo, hi])
    }
    expect(store.get(1)!.length).toBe(20 * 60 * 5)
    expect(Math.abs(counts[1] - counts[0])).toBeLessThanOrEqual(SERIES * 4)
  })

  it('after the next batch, redraws only a strip that ends with the newest readings', () => {
    const { view, feed } = setup()
    const caches = new Map<number, ColumnCache>()
    const tracker = new StripTracker()
    const group = starvedScheduler().columnGroup(PIXELS)
    feed(600)
    const marksOf = (lines: ReturnType<typeof measureFrame>['lines']) =>
      lines.map(({ line, buffer, lastT }) => ({
        id: line.id,
        lastT,
        count: buffer.offset + buffer.length,
        edits: buffer.edits
      }))
    const first = drawFull(view, caches, group)
    tracker.drew(
      'k',
      [first.grid.x0, first.grid.x1],
      first.grid.pixelStep,
      marksOf(first.measured.lines)
    )
    const full = first.drawn.reduce((n, d) => n + d.t.length, 0)

    feed(1)
    const grid = frameGrid(view.computeDomain(PIXELS)!, PIXELS, group)
    const measured = measureFrame(view, grid)
    const decision = tracker.decide(
      'k',
      [grid.x0, grid.x1],
      grid.pixelStep,
      grid.step,
      PIXELS,
      marksOf(measured.lines)
    )
    expect(decision.mode).toBe('strip')
    if (decision.mode !== 'strip') return
    let strip = 0
    for (const item of measured.lines) {
      const d = decimateLine(item, grid, caches.get(item.line.id)!, view.filterKey, decision.fromT)
      expect(d.t[0]).toBeLessThan(decision.fromT)
      expect(d.t[d.length - 1]).toBe(item.buffer.lastT)
      strip += d.length
    }
    expect(strip).toBeLessThan(full / 4)
  })
})
