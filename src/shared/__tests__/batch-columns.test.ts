import { describe, expect, it } from 'vitest'
import { decodeFrame, encodeFrame } from '../frame-codec'
import { batchOfSeries, runsOf, seriesOfRuns, statRows, statsOfRows } from '../batch-columns'
import type { CaptureBatch } from '../types'

const f64 = (...v: number[]): Float64Array => Float64Array.from(v)

describe('point runs', () => {
  it('keep each series its points, in order, through runsOf and back', () => {
    const series = [
      { id: 7, t: f64(1, 2, 3), v: f64(10, 20, 30) },
      { id: 2, t: f64(4), v: f64(-1) },
      { id: 9, t: f64(), v: f64() }
    ]
    const runs = runsOf(series)
    expect(Array.from(runs.ids)).toEqual([7, 2, 9])
    expect(Array.from(runs.counts)).toEqual([3, 1, 0])
    expect(Array.from(runs.t)).toEqual([1, 2, 3, 4])
    expect(seriesOfRuns(runs).map((s) => [s.id, [...s.t], [...s.v]])).toEqual([
      [7, [1, 2, 3], [10, 20, 30]],
      [2, [4], [-1]],
      [9, [], []]
    ])
    expect(seriesOfRuns(runsOf([]))).toEqual([])
  })

  it('carry a batch with points on 100,000 series in one frame of four arrays', () => {
    const series = Array.from({ length: 100_000 }, (_, i) => ({
      id: i + 1,
      t: f64(1_700_000_000_000 + i),
      v: f64(i / 2)
    }))
    const frame = encodeFrame(batchOfSeries({ defs: [], series, topics: [] }))
    const back = decodeFrame(frame) as CaptureBatch
    const got = seriesOfRuns(back.points)
    expect(got).toHaveLength(100_000)
    expect(
      got.every((s, i) => s.id === i + 1 && s.t[0] === 1_700_000_000_000 + i && s.v[0] === i / 2)
    ).toBe(true)
    // Four arrays of 100,000 numbers and a small header: no object per series on the wire.
    expect(frame.byteLength).toBeLessThan(4 * 8 * 100_000 + 1024)
  })

  it('keep topic counters through rows and back, leaving out what a topic does not have', () => {
    const stats = [
      { connection: 'plant', topic: 'a/b', messages: 3, errors: 0, format: 'number' },
      { connection: 'plant', topic: 'a/<img src=x>', messages: 1, errors: 1, lastError: 'bad' },
      { connection: 'lab', topic: 'c', messages: 0, errors: 0 }
    ]
    const rows = statRows(stats)
    expect(rows.topic).toEqual(['a/b', 'a/<img src=x>', 'c'])
    expect(Array.from(rows.messages)).toEqual([3, 1, 0])
    expect(statsOfRows(rows)).toEqual(stats)
    const back = decodeFrame(encodeFrame(rows)) as typeof rows
    expect(statsOfRows(back)).toEqual(stats)
  })
})
