import { describe, expect, it } from 'vitest'
import type { SeriesDef } from '../../../../shared/types'
import { timeTick } from '../chart-axes'
import { anchorDomain, extentInRange, liveXDomain, padExtent, LIVE_WINDOW_MS } from '../domain'
import { formatValue, formatWithUnit, seriesLabel } from '../format'
import { groupSeries, hasMultipleConnections } from '../grouping'

const def = (id: number, field: string, unit: string, connection = 'lab'): SeriesDef => ({
  id,
  connection,
  topic: 'sensors/bmp280',
  field,
  unit
})

describe('liveXDomain', () => {
  const now = 1_700_000_000_000
  it('ends now and spans the data when it is shorter than the window', () => {
    expect(liveXDomain(now - 5000, now - 50, now)).toEqual([now - 5000, now])
  })
  it('shows the last 10 minutes of longer data', () => {
    expect(liveXDomain(now - 3_600_000, now, now)).toEqual([now - LIVE_WINDOW_MS, now])
  })
  it('follows data whose timestamps are far from the clock', () => {
    const old = 1_586_815_920_000
    expect(liveXDomain(old - 1000, old, now)).toEqual([old - 1000, old])
  })
  it('gives a single point some width, and nothing without data', () => {
    expect(liveXDomain(5, 5, 5)).toEqual([-995, 5])
    expect(liveXDomain(NaN, NaN, now)).toBeNull()
  })
})

describe('anchorDomain', () => {
  it('ends a full window on a column edge, so it moves by whole columns', () => {
    // 600 s over 1000 columns: 600 ms a column.
    expect(anchorDomain([1_000_000 - 600_000, 1_000_100], 600_000, 1000)).toEqual([
      400_200, 1_000_200
    ])
    expect(anchorDomain([1_000_000 - 600_000, 1_000_700], 600_000, 1000)).toEqual([
      400_800, 1_000_800
    ])
  })
  it('rounds the column time of shorter data up a small ladder, so it stays put', () => {
    const a = anchorDomain([0, 100_000], Infinity, 1000)
    const b = anchorDomain([0, 100_050], Infinity, 1000)
    const step = (a[1] - a[0]) / 1000
    expect(step).toBeGreaterThanOrEqual(100)
    expect(step).toBeLessThan(100 * 1.05)
    expect(a[0]).toBeLessThanOrEqual(0)
    expect(b[1] - b[0]).toBe(a[1] - a[0])
  })
})

describe('timeTick', () => {
  it('labels time ticks on a 24-hour clock', () => {
    expect(timeTick(new Date(2026, 0, 2, 13, 45))).toBe('13:45')
    expect(timeTick(new Date(2026, 0, 2, 13, 45, 30))).toBe(':30')
    expect(timeTick(new Date(2026, 0, 2, 13, 45, 30, 250))).toBe('.250')
    expect(timeTick(new Date(2026, 0, 2))).toBe('Jan 02')
    expect(timeTick(new Date(2026, 0, 1))).toBe('2026')
  })
})

describe('extent', () => {
  it('uses only points inside the x range', () => {
    const t = [0, 1, 2, 3]
    const v = [100, 5, 7, -100]
    expect(extentInRange(t, v, 4, 1, 2)).toEqual([5, 7])
    expect(extentInRange(t, v, 4, 10, 20)).toBeNull()
  })
  it('pads a flat line', () => {
    expect(padExtent([10, 10])).toEqual([9.9, 10.1])
    expect(padExtent([0, 0])).toEqual([-1, 1])
    expect(padExtent(null)).toEqual([0, 1])
  })
})

describe('format', () => {
  it('formats values with units', () => {
    expect(formatValue(22.314)).toBe('22.31')
    expect(formatValue(1013.25)).toBe('1013.25')
    expect(formatValue(76)).toBe('76')
    expect(formatValue(0.000123)).toBe('0.000123')
    expect(formatWithUnit(22.3, '°C')).toBe('22.3 °C')
    expect(formatWithUnit(NaN, '°C')).toBe('—')
  })
  it('labels series, with the connection only when there are several', () => {
    expect(seriesLabel(def(1, 'temperature', '°C'), false)).toBe('sensors/bmp280 temperature')
    expect(seriesLabel(def(1, 'temperature', '°C'), true)).toBe('lab: sensors/bmp280 temperature')
  })
})

describe('groupSeries', () => {
  it('makes one chart per unit and one per field for unit-less series', () => {
    const groups = groupSeries([
      def(1, 'temperature', '°C'),
      def(2, 'pressure', 'hPa'),
      def(3, 'temperature', '°C', 'garage'),
      def(4, 'count', ''),
      def(5, 'rssi', '')
    ])
    expect(groups.map((g) => [g.title, g.legendName, g.seriesIds])).toEqual([
      ['temperature chart (°C)', '°C legend', [1, 3]],
      ['pressure chart (hPa)', 'hPa legend', [2]],
      ['count chart', 'count legend', [4]],
      ['rssi chart', 'rssi legend', [5]]
    ])
  })
  it('detects several connections', () => {
    expect(hasMultipleConnections([def(1, 'a', ''), def(2, 'b', '')])).toBe(false)
    expect(hasMultipleConnections([def(1, 'a', ''), def(2, 'b', '', 'other')])).toBe(true)
  })
})
