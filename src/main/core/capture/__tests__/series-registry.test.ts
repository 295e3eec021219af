import { describe, expect, it } from 'vitest'
import type { SeriesDef } from '../../../../shared/types'
import { FieldSlot, SeriesRegistry } from '../series-registry'

describe('the series registry', () => {
  it('gives a topic one series per field, in the order of its first field list', () => {
    const made: SeriesDef[] = []
    const registry = new SeriesRegistry((d) => made.push(d))
    const entry = registry.topic('plant', 'plant/line1/bme', (f) => (f === 'T' ? '°C' : ''))
    const fields = Object.freeze(['T', 'RH', 'P'])
    const slot = registry.slot(entry, fields) as FieldSlot
    expect(slot.series.map((d) => [d.field, d.unit])).toEqual([
      ['T', '°C'],
      ['RH', ''],
      ['P', '']
    ])
    expect(made.map((d) => d.id)).toEqual(slot.series.map((d) => d.id))
    expect(registry.slot(entry, fields)).toBe(slot)
    // Another list on the same topic: a new slot, the shared fields keep their series.
    const other = registry.slot(entry, ['P', 'V']) as FieldSlot
    expect(other).not.toBe(slot)
    expect(other.series[0]).toBe(slot.series[2])
    expect(other.series[1].field).toBe('V')
    expect(entry.series.map((d) => d.field)).toEqual(['T', 'RH', 'P', 'V'])
    expect(slot.series.map((d) => d.field)).toEqual(['T', 'RH', 'P'])
  })

  it('writes a topic and a slot into a part index as their definitions alone', () => {
    const registry = new SeriesRegistry(() => undefined)
    const entry = registry.topic('plant', 'a/b')
    const slot = registry.slot(entry, ['value']) as FieldSlot
    entry.messages = 3
    expect(JSON.parse(JSON.stringify({ topics: [entry], fieldSets: [slot] }))).toEqual({
      topics: [{ id: entry.id, connection: 'plant', topic: 'a/b' }],
      fieldSets: [{ id: slot.id, topicId: entry.id, names: ['value'], units: [''] }]
    })
  })

  it('finds series by id and forgets them all on clear, ids going on', () => {
    const registry = new SeriesRegistry(() => undefined)
    const a = registry.slot(registry.topic('c', 'x'), ['v']) as FieldSlot
    expect(registry.def(a.series[0].id)).toBe(a.series[0])
    registry.clear()
    expect(registry.def(a.series[0].id)).toBeUndefined()
    expect(registry.find('c', 'x')).toBeUndefined()
    const b = registry.slot(registry.topic('c', 'x'), ['v']) as FieldSlot
    expect(b.series[0].id).toBeGreaterThan(a.series[0].id)
    expect(registry.def(b.series[0].id)).toBe(b.series[0])
    expect(registry.allDefs()).toEqual([b.series[0]])
  })

  it('keeps a topic unit rule when the topic is asked for again without one', () => {
    const registry = new SeriesRegistry(() => undefined)
    const celsius = (): string => '°C'
    const entry = registry.topic('c', 't', celsius)
    expect(registry.topic('c', 't')).toBe(entry)
    expect(entry.unitFor).toBe(celsius)
    const kelvin = (): string => 'K'
    registry.topic('c', 't', kelvin)
    expect(entry.unitFor).toBe(kelvin)
  })

  it('gives topics of one kind one unit list, and each rule its own units', () => {
    const registry = new SeriesRegistry(() => undefined)
    const fields = Object.freeze(['T', 'RH'])
    const rule = (f: string): string => (f === 'T' ? '°C' : '%')
    const slots = ['a', 'b', 'c'].map((t) => registry.slot(registry.topic('c', t, rule), fields))
    const units = (slots as FieldSlot[]).map((s) => s.units)
    expect(units[0]).toEqual(['°C', '%'])
    expect(units[1]).toBe(units[0])
    expect(units[2]).toBe(units[0])
    // Another rule on the same field list: its own units, not the last answer.
    const other = registry.slot(
      registry.topic('c', 'd', () => 'K'),
      fields
    ) as FieldSlot
    expect(other.units).toEqual(['K', 'K'])
    // Units given with the fields win over the rule.
    const given = registry.slot(registry.topic('c', 'e', rule), fields, ['F', '']) as FieldSlot
    expect(given.units).toEqual(['F', '%'])
    expect(other.series.map((d) => d.unit)).toEqual(['K', 'K'])
  })

  it('does not take the last unit list for a field list that may change (not frozen)', () => {
    const registry = new SeriesRegistry(() => undefined)
    const fields = ['T']
    const rule = (f: string): string => (f === 'T' ? '°C' : 'hPa')
    const first = registry.slot(registry.topic('c', 'a', rule), fields) as FieldSlot
    fields[0] = 'P'
    const second = registry.slot(registry.topic('c', 'b', rule), fields) as FieldSlot
    expect(first.units).toEqual(['°C'])
    expect(second.units).toEqual(['hPa'])
  })
})
