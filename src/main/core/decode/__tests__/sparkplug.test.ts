// Sparkplug B decoding: metrics, the inspector's view, topics and ingest, with payloads encoded
// by protobufjs from the specification's .proto (the Mosquitto test adds payloads from Python's
// protobuf). Node and device state is in sparkplug-state.test.ts.
import { describe, expect, it } from 'vitest'
import { tempStores } from '../../../../../test-support/temp-store'
import { newProfile } from '../../../../shared/defaults'
import { decoderSchema } from '../../../../shared/schemas'
import { Ingest } from '../../ingest'
import { createDecoder } from '..'
import { parseSparkplugTopic } from '../sparkplug/sparkplug-topic'
import { viewSparkplugMessage } from '../sparkplug/sparkplug-view'
import { config, errorOf, NOW, rowsOf, textOf, valuesOf } from './decode-test-helpers'
import { connection, DBIRTH, encode, NBIRTH } from './sparkplug-fixtures'

describe('Sparkplug B metrics', () => {
  it('charts birth values and then data by alias only, under group/edge node[/device]', () => {
    const sp = connection()
    const nbirth = rowsOf(sp.send('spBv1.0/Plant/NBIRTH/Edge1', NBIRTH))
    expect(nbirth.map((r) => [r.seriesTopic, r.t, valuesOf(r)])).toEqual([
      ['Plant/Edge1', 1000, { 'Supply/Voltage': 230.1, Uptime: 3600, 'Node Control/Rebirth': 0 }]
    ])
    rowsOf(sp.send('spBv1.0/Plant/DBIRTH/Edge1/Pump', DBIRTH))
    const ndata = rowsOf(
      sp.send('spBv1.0/Plant/NDATA/Edge1', {
        timestamp: 2000,
        seq: 2,
        metrics: [
          { alias: 1, datatype: 9, float_value: 229.9 },
          { alias: 2, long_value: 3601, timestamp: 1990 }
        ]
      })
    )
    // Each metric at its own timestamp; the field list stays the birth's, missing values empty.
    expect(ndata.map((r) => [r.seriesTopic, r.t, r.values, textOf(r)])).toEqual([
      ['Plant/Edge1', 2000, [229.9, NaN, NaN], '229.9,,'],
      ['Plant/Edge1', 1990, [NaN, 3601, NaN], ',3601,']
    ])
    expect(ndata[0].fields).toBe(nbirth[0].fields)
    const ddata = rowsOf(
      sp.send('spBv1.0/Plant/DDATA/Edge1/Pump', {
        timestamp: 3000,
        seq: 3,
        metrics: [
          { alias: 10, double_value: 22.25 },
          { alias: 11, boolean_value: false }
        ]
      })
    )
    expect(ddata.map((r) => [r.seriesTopic, r.t, valuesOf(r)])).toEqual([
      ['Plant/Edge1/Pump', 3000, { Temperature: 22.25, Running: 0 }]
    ])
    expect(sp.state.unitOf('Plant/Edge1', 'Supply/Voltage')).toBe('V')
  })

  it('reads every numeric type, whichever integer field the sender used', () => {
    const sp = connection()
    const metrics = [
      { name: 'i8 java', datatype: 1, int_value: 0xfffffffb },
      { name: 'i8 narrow', datatype: 1, int_value: 251 },
      { name: 'i16', datatype: 2, int_value: 0xffff8000 },
      { name: 'i32', datatype: 3, int_value: 0x80000000 },
      { name: 'i64', datatype: 4, long_value: '-1099511627776' },
      { name: 'u8', datatype: 5, int_value: 255 },
      { name: 'u16', datatype: 6, int_value: 65535 },
      { name: 'u32 int', datatype: 7, int_value: 4294967295 },
      { name: 'u32 long', datatype: 7, long_value: 4294967295 },
      { name: 'u64', datatype: 8, long_value: '9007199254740991' },
      { name: 'float', datatype: 9, float_value: 0.1 },
      { name: 'double', datatype: 10, double_value: -1e-9 },
      { name: 'bool', datatype: 11, boolean_value: true },
      { name: 'null', datatype: 10, is_null: true }
    ]
    const [row] = rowsOf(sp.send('spBv1.0/G/NBIRTH/E', { timestamp: 5, seq: 0, metrics }))
    expect(valuesOf(row)).toEqual({
      'i8 java': -5,
      'i8 narrow': -5,
      i16: -32768,
      i32: -2147483648,
      i64: -1099511627776,
      u8: 255,
      u16: 65535,
      'u32 int': 4294967295,
      'u32 long': 4294967295,
      u64: 9007199254740991,
      float: 0.1,
      double: -1e-9,
      bool: 1,
      null: NaN
    })
    expect(textOf(row)).toBe(
      '-5,-5,-32768,-2147483648,-1099511627776,255,65535,4294967295,4294967295,9007199254740991,0.1,-0.000000001,1,'
    )
  })

  it('keeps text, dates, bytes, DataSets, Templates and arrays for the inspector, typed', () => {
    const sp = connection()
    const ints = Buffer.alloc(6)
    ints.writeInt16LE(-1, 0)
    ints.writeInt16LE(2, 2)
    ints.writeInt16LE(300, 4)
    const outcome = sp.send('spBv1.0/G/DBIRTH/E/D', {
      timestamp: 50,
      seq: 0,
      metrics: [
        { name: 'label', datatype: 12, string_value: 'line 3' },
        { name: 'when', datatype: 13, long_value: 1700000000000, timestamp: 60 },
        { name: 'blob', datatype: 17, bytes_value: Buffer.from([1, 2, 255]) },
        {
          name: 'table',
          datatype: 16,
          dataset_value: {
            num_of_columns: 2,
            columns: ['id', 'name'],
            types: [3, 12],
            rows: [
              { elements: [{ int_value: 1 }, { string_value: 'a' }] },
              { elements: [{ int_value: 0xffffffff }, { string_value: 'b' }] }
            ]
          }
        },
        {
          name: 'motor',
          datatype: 19,
          template_value: {
            template_ref: 'Motor',
            metrics: [{ name: 'rpm', datatype: 10, double_value: 1500 }],
            parameters: [{ name: 'rated', type: 9, float_value: 2.5 }]
          }
        },
        { name: 'samples', datatype: 23, bytes_value: ints }
      ]
    })
    expect(rowsOf(outcome)).toEqual([])
    if (!outcome.ok) return
    expect(outcome.extras).toEqual([
      {
        series: 'G/E/D',
        metric: 'label',
        t: 50,
        datatype: 'String',
        value: { kind: 'string', value: 'line 3' }
      },
      {
        series: 'G/E/D',
        metric: 'when',
        t: 60,
        datatype: 'DateTime',
        value: { kind: 'datetime', value: 1700000000000 }
      },
      {
        series: 'G/E/D',
        metric: 'blob',
        t: 50,
        datatype: 'Bytes',
        value: { kind: 'bytes', size: 3, head: '0102ff' }
      },
      {
        series: 'G/E/D',
        metric: 'table',
        t: 50,
        datatype: 'DataSet',
        value: {
          kind: 'dataset',
          columns: ['id', 'name'],
          types: ['Int32', 'String'],
          rows: [
            [1, 'a'],
            [-1, 'b']
          ],
          moreRows: 0
        }
      },
      {
        series: 'G/E/D',
        metric: 'motor',
        t: 50,
        datatype: 'Template',
        value: {
          kind: 'template',
          templateRef: 'Motor',
          isDefinition: false,
          metrics: [
            {
              name: 'rpm',
              datatype: 'Double',
              historical: false,
              transient: false,
              value: { kind: 'number', value: 1500 }
            }
          ],
          parameters: [{ name: 'rated', type: 'Float', value: 2.5 }]
        }
      },
      {
        series: 'G/E/D',
        metric: 'samples',
        t: 50,
        datatype: 'Int16Array',
        value: { kind: 'array', values: [-1, 2, 300] }
      }
    ])
  })

  it('learns a metric a data message names that the birth did not', () => {
    const sp = connection()
    sp.send('spBv1.0/G/NBIRTH/E', {
      seq: 0,
      metrics: [{ name: 'a', alias: 1, datatype: 10, double_value: 1 }]
    })
    const [row] = rowsOf(
      sp.send('spBv1.0/G/NDATA/E', {
        timestamp: 9,
        seq: 1,
        metrics: [
          { alias: 1, double_value: 2 },
          { name: 'b', datatype: 3, int_value: 5 }
        ]
      })
    )
    expect(valuesOf(row)).toEqual({ a: 2, b: 5 })
    expect(sp.state.entity('G', 'E')?.metrics).toBe(2)
  })
})

describe('Sparkplug B for the inspector and the topic tree', () => {
  it('views a stored message with names from the births it knows, without changing them', () => {
    const sp = connection()
    sp.send('spBv1.0/Plant/NBIRTH/Edge1', NBIRTH)
    const version = sp.state.version
    const data = encode({
      timestamp: 9,
      seq: 1,
      metrics: [
        { alias: 1, float_value: 231.5 },
        { alias: 8, double_value: 1 }
      ]
    })
    expect(viewSparkplugMessage('spBv1.0/Plant/NDATA/Edge1', data, sp.state)).toEqual({
      type: 'NDATA',
      series: 'Plant/Edge1',
      timestamp: 9,
      seq: 1,
      metrics: [
        {
          name: 'Supply/Voltage',
          alias: 1,
          datatype: 'Float',
          historical: false,
          transient: false,
          value: { kind: 'number', value: 231.5 }
        },
        {
          name: '',
          alias: 8,
          datatype: 'Double',
          historical: false,
          transient: false,
          value: { kind: 'number', value: 1 }
        }
      ]
    })
    expect(sp.state.version).toBe(version)
    expect(sp.state.entity('Plant', 'Edge1')?.unknownAliases).toBe(0)
    expect(
      viewSparkplugMessage('spBv1.0/Plant/NDATA/Edge1', Uint8Array.from([0x12, 0x40]))
    ).toMatch(/^not a Sparkplug B payload/)
    expect(viewSparkplugMessage('plant/x', data)).toBe(
      'not a Sparkplug B topic (they start with spBv1.0/)'
    )
  })

  it('counts a version up whenever what the tree shows changes', () => {
    const sp = connection()
    const v0 = sp.state.version
    sp.send('spBv1.0/G/NBIRTH/E', {
      seq: 0,
      metrics: [{ name: 'a', alias: 1, datatype: 10, double_value: 1 }]
    })
    const v1 = sp.state.version
    expect(v1).toBeGreaterThan(v0)
    sp.send('spBv1.0/G/NDEATH/E', { metrics: [] })
    expect(sp.state.version).toBeGreaterThan(v1)
  })
})

describe('Sparkplug B topics', () => {
  it('recognises the namespace without configuration and says what is wrong with a topic', () => {
    expect(createDecoder(config(), { topic: 'spBv1.0/G/NDATA/E' }).format).toBe('sparkplug')
    expect(createDecoder(config(), { topic: 'plant/G/NDATA/E' }).format).toBe('auto')
    expect(parseSparkplugTopic('spBv1.0/G/DDATA/E/D')).toEqual({
      kind: 'edge',
      group: 'G',
      type: 'DDATA',
      edgeNode: 'E',
      device: 'D'
    })
    expect(parseSparkplugTopic('spBv1.0/STATE/host')).toEqual({ kind: 'state', host: 'host' })
    expect(parseSparkplugTopic('spBv1.0/G/NDATA/E/D')).toBe(
      'a Sparkplug NDATA topic ends at the edge node'
    )
    expect(parseSparkplugTopic('spBv1.0/G/DDATA/E')).toBe(
      'a Sparkplug DDATA topic names a device after the edge node'
    )
    expect(parseSparkplugTopic('spBv1.0/G/XDATA/E')).toBe(
      '"XDATA" is not a Sparkplug B message type (NBIRTH, NDATA, NDEATH, DBIRTH, DDATA, DDEATH, NCMD, DCMD)'
    )
    expect(parseSparkplugTopic('spBv1.0/G')).toBe(
      'not a Sparkplug B topic: expected spBv1.0/<group>/<message type>/<edge node>[/<device>]'
    )
    const forced = createDecoder(decoderSchema.parse({ format: 'sparkplug' }), { topic: 'plant/x' })
    expect(errorOf(forced.decode(new Uint8Array(1), NOW))).toBe(
      'not a Sparkplug B topic (they start with spBv1.0/)'
    )
  })
})

describe('Sparkplug B through ingest', () => {
  const openStore = tempStores('sparkplug-ingest-')

  it('captures metrics under the series topic with the birth\u2019s units, counting each message once there', async () => {
    const store = await openStore()
    const ingest = new Ingest(newProfile('sp', { name: 'sp', topics: [] }), store)
    ingest.handle('spBv1.0/Plant/NBIRTH/Edge1', encode(NBIRTH))
    ingest.handle(
      'spBv1.0/Plant/NDATA/Edge1',
      encode({ timestamp: 2000, seq: 1, metrics: [{ alias: 1, float_value: 231 }] })
    )
    const snap = store.snapshot()
    const defs = snap.defs.map((d) => [d.topic, d.field, d.unit])
    expect(defs).toEqual([
      ['Plant/Edge1', 'Supply/Voltage', 'V'],
      ['Plant/Edge1', 'Uptime', ''],
      ['Plant/Edge1', 'Node Control/Rebirth', '']
    ])
    const voltage = snap.series.find((s) => s.id === snap.defs[0].id)!
    expect([...voltage.t]).toEqual([1000, 2000])
    expect([...voltage.v]).toEqual([230.1, 231])
    const stats = Object.fromEntries(
      snap.topics.map((t) => [t.topic, [t.messages, t.errors, t.format]])
    )
    expect(stats).toEqual({
      'spBv1.0/Plant/NBIRTH/Edge1': [1, 0, 'sparkplug'],
      'spBv1.0/Plant/NDATA/Edge1': [1, 0, 'sparkplug'],
      'Plant/Edge1': [2, 0, 'sparkplug']
    })
    expect(ingest.sparkplug.entity('Plant', 'Edge1')?.status).toBe('online')
  })
})
