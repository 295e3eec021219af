import { describe, expect, it } from 'vitest'
import { decoderSchema, newProfileDefaults } from './decoder-form-fixtures'
import {
  decoderFromTexts,
  decoderTexts,
  draftFor,
  parseUnits,
  splitList,
  structSummary
} from '../decoder-form'
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

  it('checks a struct layout and its names, in words', () => {
    const struct = (structLayout: string, names: string) =>
      decoderFromTexts(
        decoderSchema.parse({ format: 'struct', structLayout }),
        { columns: '', jsonPaths: '', units: '', structFields: names },
        'dev/raw'
      )
    expect(struct('<fff', 'temperature, pressure, altitude')).toMatchObject({
      ok: true,
      value: {
        format: 'struct',
        structLayout: '<fff',
        structFields: ['temperature', 'pressure', 'altitude']
      }
    })
    expect(struct('<fff', '')).toMatchObject({ ok: true, value: { structFields: [] } })
    expect(struct('', '')).toEqual({
      ok: false,
      error: 'dev/raw: the struct layout is empty; write e.g. <fff.'
    })
    expect(struct('fff', '')).toEqual({
      ok: false,
      error:
        'dev/raw: start the struct layout with < (little-endian) or > (big-endian), e.g. <fff; native alignment (@) is not supported.'
    })
    expect(struct('<fff', 'a, b')).toEqual({
      ok: false,
      error: 'dev/raw: the struct layout <fff has 3 values but 2 names are given.'
    })
    expect(struct('<ff', 'a, a')).toEqual({
      ok: false,
      error: 'dev/raw: the struct field name "a" is given twice.'
    })
    expect(structSummary('>hHiB')).toBe('4 values, 9 bytes (big-endian)')
    expect(structSummary('<2x3f')).toBe('3 values, 14 bytes (little-endian)')
    expect(structSummary('f')).toBeNull()
  })

  it('asks for the .proto file and the message type of a protobuf topic', () => {
    const texts = { columns: '', jsonPaths: 'temperature, inner.raw', units: '', structFields: '' }
    const proto = (protoFile: string, protoType: string) =>
      decoderFromTexts(
        decoderSchema.parse({ format: 'protobuf', protoFile, protoType }),
        texts,
        'dev/pb'
      )
    expect(proto('', 'Reading')).toEqual({
      ok: false,
      error: 'dev/pb: choose the .proto file for Protobuf.'
    })
    expect(proto('/etc/r.proto', ' ')).toEqual({
      ok: false,
      error: 'dev/pb: name the Protobuf message type, e.g. sensors.Reading.'
    })
    expect(proto('/etc/r.proto', 'Reading')).toMatchObject({
      ok: true,
      value: {
        protoFile: '/etc/r.proto',
        protoType: 'Reading',
        jsonPaths: ['temperature', 'inner.raw']
      }
    })
  })

  it('saves whether the app may publish on the connection (off unless turned on)', () => {
    const profile = newProfileDefaults()
    expect(profile.allowPublish).toBe(false)
    const fields = fieldsFromProfile(profile)
    expect(fields.allowPublish).toBe(false)
    fields.allowPublish = true
    const built = buildProfileInput(profile, fields, { value: '', clear: false })
    expect(built.ok && built.value.profile.allowPublish).toBe(true)
  })
})
