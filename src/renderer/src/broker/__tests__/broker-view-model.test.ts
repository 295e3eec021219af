import { describe, expect, it } from 'vitest'
import { qshapeOptionsSchema } from '../../../../shared/broker-types'
import {
  ageColumnWords,
  brokerCharts,
  figureShape,
  formFromOptions,
  optionsFromForm,
  parseFigureShape,
  uptimeText
} from '../broker-view-model'

describe('the broker view model', () => {
  it('groups the figures into one chart per unit, in their order', () => {
    const figures = [
      { field: 'clients_connected', unit: 'clients' },
      { field: 'messages_in', unit: 'msg/s' },
      { field: 'clients_maximum', unit: 'clients' }
    ]
    expect(parseFigureShape(figureShape(figures))).toEqual(figures)
    const charts = brokerCharts('Broker', '$SYS/broker', figures)
    expect(charts.map((c) => [c.id, c.series.map((s) => s.field)])).toEqual([
      ['broker-clients', ['clients_connected', 'clients_maximum']],
      ['broker-msg/s', ['messages_in']]
    ])
    expect(charts[0].series[0]).toEqual({
      connection: 'Broker',
      topic: '$SYS/broker',
      field: 'clients_connected'
    })
  })

  it('says uptimes and age columns in words', () => {
    expect([null, 59, 61, 3700, 90000].map(uptimeText)).toEqual([
      'not reported yet',
      '59 s',
      '1 min 1 s',
      '1 h 1 min',
      '1 d 1 h'
    ])
    const labels = ['1', '2', '2+']
    expect(labels.map((_, i) => ageColumnWords(labels, i))).toEqual([
      'under 1 minute',
      '1 to 2 minutes',
      'over 2 minutes'
    ])
  })

  it('turns the form into options, and a bad field into plain words', () => {
    const form = formFromOptions('/var/lib/mosquitto/mosquitto.db', qshapeOptionsSchema.parse({}))
    expect(optionsFromForm(form)).toEqual({
      ok: true,
      file: '/var/lib/mosquitto/mosquitto.db',
      options: qshapeOptionsSchema.parse({})
    })
    expect(
      optionsFromForm({ ...form, interval: '300', first: '0.5', showAll: true })
    ).toMatchObject({
      ok: true,
      options: { intervalSeconds: 300, firstBucketMinutes: 0.5, top: 0 }
    })
    expect(optionsFromForm({ ...form, file: ' ' })).toEqual({
      ok: false,
      error: 'Enter the path of the persistence file (mosquitto.db).'
    })
    expect(optionsFromForm({ ...form, interval: '1.5' })).toEqual({
      ok: false,
      error: 'The expiry interval must be a whole number from 1 to 4294967295.'
    })
    expect(optionsFromForm({ ...form, buckets: '0' })).toEqual({
      ok: false,
      error: 'Age columns must be a whole number from 1 to 40.'
    })
    expect(optionsFromForm({ ...form, first: '-1' })).toEqual({
      ok: false,
      error: 'The first age column must be a positive number of minutes.'
    })
  })
})
