import { describe, expect, it } from 'vitest'
import type { SeriesDef } from '../../../../shared/types'
import {
  addChart,
  chartTitle,
  defaultLayout,
  keyOf,
  moveChart,
  parseLayout,
  removeChart,
  toggleHidden,
  toggleSeries,
  type SeriesKey
} from '../layout'

const def = (id: number, topic: string, field: string, unit: string): SeriesDef => ({
  id,
  connection: 'Demo sensors',
  topic,
  field,
  unit
})
const defs = [
  def(1, 'esp32.out', 'temperature', '°C'),
  def(2, 'esp32.out', 'pressure', 'hPa'),
  def(3, 'esp32b.out', 'temp', '°C')
]
const key = (topic: string, field: string): SeriesKey => ({
  connection: 'Demo sensors',
  topic,
  field
})

describe('layout', () => {
  it('starts with one chart per unit', () => {
    const layout = defaultLayout(defs)
    expect(layout.charts.map((c) => [c.id, c.series.map((s) => s.field), c.window])).toEqual([
      ['unit:°C', ['temperature', 'temp'], '10m'],
      ['unit:hPa', ['pressure'], '10m']
    ])
  })

  it('round-trips through JSON and rejects anything else', () => {
    const layout = defaultLayout(defs)
    expect(parseLayout(JSON.parse(JSON.stringify(layout)))).toEqual(layout)
    expect(parseLayout(undefined)).toBeNull()
    expect(parseLayout(null)).toBeNull()
    expect(parseLayout({ version: 2, charts: [] })).toBeNull()
    expect(parseLayout({ version: 1, charts: [{ id: 'a', series: 'x' }] })).toBeNull()
    expect(parseLayout({ version: 1, charts: [{ id: 'a', series: [{ topic: 1 }] }] })).toBeNull()
    const twice = { id: 'a', series: [], hidden: [], window: '1h' }
    expect(parseLayout({ version: 1, charts: [twice, twice] })).toBeNull()
    expect(parseLayout({ version: 1, charts: Array(51).fill(twice) })).toBeNull()
  })

  it('repairs what it safely can: an unknown window, duplicate series', () => {
    const raw = {
      version: 1,
      charts: [{ id: 'a', series: [key('t', 'f'), key('t', 'f')], window: '7d' }]
    }
    expect(parseLayout(raw)).toEqual({
      version: 1,
      charts: [{ id: 'a', series: [key('t', 'f')], hidden: [], window: '10m' }]
    })
  })

  it('adds, removes and reorders charts', () => {
    let layout = defaultLayout(defs)
    layout = addChart(layout, 'mine')
    expect(layout.charts.map((c) => c.id)).toEqual(['unit:°C', 'unit:hPa', 'mine'])
    layout = moveChart(layout, 'mine', -2)
    expect(layout.charts.map((c) => c.id)).toEqual(['mine', 'unit:°C', 'unit:hPa'])
    expect(moveChart(layout, 'mine', -1)).toBe(layout)
    layout = removeChart(layout, 'unit:°C')
    expect(layout.charts.map((c) => c.id)).toEqual(['mine', 'unit:hPa'])
  })

  it('picks and hides series by connection, topic and field', () => {
    const chart = defaultLayout(defs).charts[1]
    const withTemp = toggleSeries(chart, key('esp32.out', 'temperature'), true)
    expect(withTemp.series.map(keyOf)).toEqual([
      keyOf(key('esp32.out', 'pressure')),
      keyOf(key('esp32.out', 'temperature'))
    ])
    const hidden = toggleHidden(withTemp, key('esp32.out', 'pressure'))
    expect(hidden.hidden).toEqual([key('esp32.out', 'pressure')])
    expect(toggleHidden(hidden, key('esp32.out', 'pressure')).hidden).toEqual([])
    // Removing a hidden series forgets that it was hidden.
    expect(toggleSeries(hidden, key('esp32.out', 'pressure'), false).hidden).toEqual([])
  })

  it('titles a chart by its fields and units', () => {
    const units = new Map(defs.map((d) => [keyOf(key(d.topic, d.field)), d.unit]))
    const [temps, pressure] = defaultLayout(defs).charts
    expect(chartTitle(temps, units)).toBe('temperature, temp chart (°C)')
    const both = toggleSeries(pressure, key('esp32.out', 'temperature'), true)
    expect(chartTitle(both, units)).toBe('pressure, temperature chart (hPa, °C)')
    expect(chartTitle({ ...both, series: [] }, units)).toBe('Empty chart')
  })
})
