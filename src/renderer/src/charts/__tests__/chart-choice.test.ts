import { describe, expect, it } from 'vitest'
import type { SeriesDef } from '../../../../shared/types'
import {
  addPicked,
  AUTO_SERIES_LIMIT,
  autoCharted,
  chartTargets,
  unchartedConnections
} from '../chart-choice'
import { defaultLayout, MAX_SERIES_PER_CHART, type SeriesKey } from '../layout'

let nextId = 1
const def = (connection: string, topic: string, field: string, unit = ''): SeriesDef => ({
  id: nextId++,
  connection,
  topic,
  field,
  unit
})
const fleet = Array.from({ length: 300 }, (_, i) =>
  def('Plant', `plant/dev${i}/bme`, 'temperature', '°C')
)
const demo = [
  def('Demo', 'esp32.out', 'temperature', '°C'),
  def('Demo', 'esp32.out', 'pressure', 'hPa')
]
const key = (d: SeriesDef): SeriesKey => ({
  connection: d.connection,
  topic: d.topic,
  field: d.field
})
const ids = (() => {
  let n = 0
  return () => `c${++n}`
})()

describe('what the dashboard charts by itself', () => {
  it(`charts a connection with up to ${AUTO_SERIES_LIMIT} series, not one with hundreds`, () => {
    const charted = autoCharted([...fleet, ...demo])
    expect(charted).toEqual(demo)
    const layout = defaultLayout(charted)
    expect(unchartedConnections([...fleet, ...demo], layout)).toEqual([
      { connection: 'Plant', available: 300, charted: 0 }
    ])
    const few = fleet.slice(0, AUTO_SERIES_LIMIT)
    expect(autoCharted(few)).toEqual(few)
  })

  it('leaves the broker’s $SYS figures to the broker view: they neither chart nor count', () => {
    const sys = Array.from({ length: 20 }, (_, i) => def('Demo', '$SYS/broker', `figure${i}`))
    expect(autoCharted([...demo, ...sys])).toEqual(demo)
    expect(unchartedConnections([...demo, ...sys], defaultLayout(demo))).toEqual([])
  })
})

describe('a pick from the topic explorer', () => {
  const unitOf = (k: SeriesKey): string =>
    [...fleet, ...demo].find((d) => d.topic === k.topic && d.field === k.field)?.unit ?? ''

  it('makes one new chart per unit', () => {
    const start = defaultLayout(demo)
    const picked = [
      key(fleet[0]),
      key(fleet[1]),
      { connection: 'Plant', topic: 'x', field: 'status' }
    ]
    const { layout, message } = addPicked(start, picked, 'new', unitOf, ids)
    expect(layout.charts.slice(2).map((c) => c.series.map((s) => s.topic))).toEqual([
      ['plant/dev0/bme', 'plant/dev1/bme'],
      ['x']
    ])
    expect(message).toBe('Charted 3 series in 2 new charts.')
    expect(unchartedConnections([...fleet, ...demo], layout)[0].charted).toBe(3)
  })

  it('joins a chart of the same unit, once', () => {
    const start = defaultLayout(demo)
    const [celsius] = chartTargets(start, demo)
    expect(celsius).toMatchObject({ unit: '°C', title: 'temperature chart (°C)' })
    const once = addPicked(start, [key(fleet[5])], celsius.id, unitOf, ids)
    expect(once.layout.charts[0].series.map((s) => s.topic)).toEqual([
      'esp32.out',
      'plant/dev5/bme'
    ])
    expect(once.message).toBe('Added 1 series to the chart.')
    const again = addPicked(once.layout, [key(fleet[5])], celsius.id, unitOf, ids)
    expect(again.message).toBe('Already on that chart.')
    expect(again.layout).toBe(once.layout)
  })

  it('says what did not fit instead of dropping it quietly', () => {
    const { layout, message } = addPicked(
      defaultLayout([]),
      fleet.slice(0, 70).map(key),
      'new',
      unitOf,
      ids
    )
    expect(layout.charts[0].series.length).toBe(MAX_SERIES_PER_CHART)
    expect(message).toMatch(/Charted 50 series in a new chart\. 20 more did not fit/)
  })
})
