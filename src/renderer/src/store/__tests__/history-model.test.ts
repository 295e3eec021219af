import { describe, expect, it } from 'vitest'
import type { HistoryResult, HistorySeries } from '../../../../shared/store-types'
import {
  bucketCount,
  fromLocalInput,
  presetRange,
  readingsIn,
  storedUntil,
  tailOf,
  toLocalInput,
  valueDomain
} from '../history-model'

function series(t: number[], min: number[], max: number[]): HistorySeries {
  const f = (a: number[]) => Float64Array.from(a)
  return {
    connection: 'c',
    topic: 't',
    field: 'f',
    unit: '',
    t: f(t),
    min: f(min),
    max: f(max),
    mean: f(min.map((m, i) => (m + max[i]) / 2)),
    count: f(t.map(() => 2))
  }
}

describe('the history view model', () => {
  it('turns presets and typed local times into ranges, and refuses what is not a time', () => {
    expect(presetRange('hour', 10_000_000)).toEqual({
      fromMs: 10_000_000 - 3_600_000,
      toMs: 10_000_000
    })
    expect(presetRange('custom', 1)).toBeNull()
    const ms = new Date(2026, 2, 4, 5, 6).getTime()
    expect(toLocalInput(ms)).toBe('2026-03-04T05:06')
    expect(fromLocalInput('2026-03-04T05:06')).toBe(ms)
    expect(fromLocalInput('yesterday')).toBeNull()
    expect(fromLocalInput('')).toBeNull()
  })

  it('asks for one bucket per pixel column, within the limits', () => {
    expect(bucketCount(731.4)).toBe(731)
    expect(bucketCount(0)).toBe(10)
    expect(bucketCount(50_000)).toBe(10_000)
  })

  it('takes the live tail after the last stored bucket, up to the end of the range', () => {
    const result = {
      fromMs: 0,
      toMs: 1000,
      bucketMs: 100,
      from: 'raw',
      series: []
    } as HistoryResult
    const s = series([0, 100, 300], [1, 2, 3], [4, 5, 6])
    expect(storedUntil(result, s)).toBe(400)
    expect(storedUntil(result, series([], [], []))).toBe(-Infinity)
    const t = Float64Array.from([350, 400, 450, 999, 1000, 1200])
    const v = Float64Array.from([1, 2, 3, 4, 5, 6])
    const tail = tailOf(t, v, 400, 1000)
    expect([...tail.t]).toEqual([400, 450, 999])
    expect([...tail.v]).toEqual([2, 3, 4])
  })

  it('finds the value range over bands and tails, widening a flat one', () => {
    const s = series([0, 1], [2, -1], [3, 4])
    expect(valueDomain([s], [null])).toEqual([-1, 4])
    expect(valueDomain([s], [{ t: Float64Array.from([5]), v: Float64Array.from([9]) }])).toEqual([
      -1, 9
    ])
    expect(valueDomain([series([0], [5], [5])], [null])).toEqual([4, 6])
    expect(valueDomain([series([], [], [])], [null])).toBeNull()
    expect(readingsIn(s)).toBe(4)
  })
})
