import { describe, expect, it } from 'vitest'
import { decoderSchema, newProfileDefaults } from './decoder-form-fixtures'
import { decoderFromTexts, decoderTexts, draftFor, parseUnits, splitList } from '../decoder-form'
import { buildProfileInput, fieldsFromProfile } from '../profile-form-model'

describe('the decoding form', () => {
  it('reads lists and units from their text inputs', () => {
    expect(splitList(' temperature , pressure,, altitude ')).toEqual([
      'temperature',
      'pressure',
      'altitude'
    ])
    expect(parseUnits('temperature=°C, pressure = hPa')).toEqual({
      ok: true,
      value: { temperature: '°C', pressure: 'hPa' }
    })
    expect(parseUnits('temperature °C')).toEqual({
      ok: false,
      error: 'Units: write each as field=unit, e.g. temperature=°C ("temperature °C").'
    })
  })

  it('round-trips a decoder through its texts', () => {
    const config = decoderSchema.parse({
      format: 'csv',
      csvColumns: ['t', 'p'],
      csvSeparator: ';',
      units: { t: '°C' }
    })
    const texts = decoderTexts(config)
    expect(texts).toEqual({ columns: 't, p', jsonPaths: '', units: 't=°C', structFields: '' })
    expect(decoderFromTexts(config, texts, 'x')).toEqual({ ok: true, value: config })
  })

  it('explains a CSV decoder without columns and a field timestamp without a field', () => {
    const csv = decoderSchema.parse({ format: 'csv' })
    expect(
      decoderFromTexts(csv, { columns: ' ', jsonPaths: '', units: '', structFields: '' }, 'lab/x')
    ).toEqual({
      ok: false,
      error: 'lab/x: name at least one CSV column.'
    })
    const json = decoderSchema.parse({
      format: 'json',
      timestamp: { source: 'field', field: '', format: 'auto' }
    })
    expect(decoderFromTexts(json, decoderTexts(json), 'lab/y')).toEqual({
      ok: false,
      error: 'lab/y: name the timestamp field.'
    })
  })

  it('saves the edited decoding with the profile, per topic filter', () => {
    const profile = newProfileDefaults()
    const fields = fieldsFromProfile(profile)
    fields.topicsText = 'lab/csv 1\nlab/json'
    fields.decoders['lab/json'] = {
      ...draftFor(undefined),
      config: {
        ...draftFor(undefined).config,
        format: 'json',
        timestamp: { source: 'field', field: 'time', format: 'iso' }
      },
      texts: {
        columns: '',
        jsonPaths: 'sensor.temp, sensor.rh',
        units: 'sensor.temp=°C',
        structFields: ''
      }
    }
    const built = buildProfileInput(profile, fields, { value: '', clear: false })
    expect(built.ok).toBe(true)
    if (!built.ok) return
    const [csv, json] = built.value.profile.topics ?? []
    expect(csv).toMatchObject({ filter: 'lab/csv', qos: 1, decoder: { format: 'auto' } })
    expect(json.decoder).toMatchObject({
      format: 'json',
      jsonPaths: ['sensor.temp', 'sensor.rh'],
      units: { 'sensor.temp': '°C' },
      timestamp: { source: 'field', field: 'time', format: 'iso' }
    })
  })
})
