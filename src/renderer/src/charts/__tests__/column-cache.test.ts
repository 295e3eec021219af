import { describe, expect, it } from 'vitest'
import { ColumnCache } from '../column-cache'
import { decimateMinMax } from '../decimate'
import { SeriesBuffer, visibleRange } from '../series-store'

/** A deterministic stream: 1 ms apart with silences, integer values so that ties happen. */
function* points(seed: number): Generator<[number, number]> {
  let x = seed
  let t = 0
  for (;;) {
    x = (x * 1103515245 + 12345) % 2147483648
    t += x % 997 === 0 ? 40 : 1
    yield [t, Math.round(10 * Math.sin(t / 50)) + (x % 5)]
  }
}

function same(buffer: SeriesBuffer, cache: ColumnCache, x0: number, x1: number, columns: number) {
  const t = buffer.t
  const range = visibleRange(t, x0, x1)
  const gapMs = 5
  const expected = decimateMinMax(t, buffer.v, range[0], range[1], x0, x1, columns, { gapMs })
  const got = cache.decimate(buffer, [0, t.length], range, x0, x1, columns, gapMs, '')
  expect(Array.from(got.t)).toEqual(Array.from(expected.t))
  expect(Array.from(got.v)).toEqual(Array.from(expected.v))
}

describe('ColumnCache', () => {
  it('gives what decimateMinMax gives while the data streams and the window slides', () => {
    const buffer = new SeriesBuffer(3000)
    const cache = new ColumnCache()
    const source = points(1)
    const step = 10
    const columns = 40
    for (let frame = 0; frame < 300; frame++) {
      const k = 1 + ((frame * 7) % 23)
      const t = new Float64Array(k)
      const v = new Float64Array(k)
      for (let i = 0; i < k; i++) [t[i], v[i]] = source.next().value
      buffer.append(t, v)
      // Follow the newest point on a grid of whole columns, as ChartView does.
      const x1 = Math.ceil(buffer.lastT / step) * step
      same(buffer, cache, x1 - step * columns, x1, columns)
      // A late point now and then (an edit) and a wider window once (a new grid).
      if (frame % 97 === 50)
        buffer.append(Float64Array.of(buffer.lastT - 30.5), Float64Array.of(99))
      if (frame === 150) same(buffer, cache, x1 - 2 * step * columns, x1, columns)
    }
  })

  it('follows a window that covers all the data as the oldest points are dropped', () => {
    const buffer = new SeriesBuffer(500)
    const cache = new ColumnCache()
    const source = points(7)
    for (let frame = 0; frame < 200; frame++) {
      const [t, v] = source.next().value
      buffer.append(Float64Array.of(t, t + 0.5), Float64Array.of(v, -v))
      const x1 = Math.ceil(buffer.lastT / 4) * 4
      same(buffer, cache, x1 - 4 * 100, x1, 100)
    }
  })

  it('stays right when the grid covers one column more or less from frame to frame', () => {
    // Wide columns on a fixed grid: the domain's part columns at each end come and go.
    const buffer = new SeriesBuffer(5000)
    const cache = new ColumnCache()
    const source = points(3)
    const step = 16
    for (let frame = 0; frame < 200; frame++) {
      const t = new Float64Array(9)
      const v = new Float64Array(9)
      for (let i = 0; i < 9; i++) [t[i], v[i]] = source.next().value
      buffer.append(t, v)
      const columns = 40 + (frame % 3 === 0 ? 1 : 0)
      const x1 = Math.ceil(buffer.lastT / step) * step
      same(buffer, cache, x1 - step * columns, x1, columns)
    }
  })
})
