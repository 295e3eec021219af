// Sparkplug B decoding and node/device state, with payloads encoded by protobufjs from the
// specification's .proto (the Mosquitto test adds payloads from Python's protobuf).
import { describe, expect, it } from 'vitest'
import { tempStores } from '../../../../../test-support/temp-store'
import { newProfile } from '../../../../shared/defaults'
import { decoderSchema } from '../../../../shared/schemas'
import { Ingest } from '../../ingest'
import { createDecoder, SparkplugState, type DecodeOutcome } from '..'
import { sparkplugPayloadType } from '../sparkplug/sparkplug-payload'
import { REBIRTH_INTERVAL_MS } from '../sparkplug/sparkplug-state'
import { parseSparkplugTopic } from '../sparkplug/sparkplug-topic'
import { viewSparkplugMessage } from '../sparkplug/sparkplug-view'
import { config, errorOf, NOW, rowsOf, textOf, valuesOf } from './decode-test-helpers'

const T = sparkplugPayloadType()
const encode = (payload: object): Uint8Array => T.encode(T.fromObject(payload)).finish()

/** A connection's worth of Sparkplug decoding with a clock and a record of what it published. */
function connection(publish = true) {
  let now = NOW
  const published: { topic: string; payload: Record<string, unknown> }[] = []
  const state = new SparkplugState({
    now: () => now,
    publish: publish
      ? (topic, payload) =>
          published.push({ topic, payload: T.toObject(T.decode(payload), { longs: Number }) })
      : undefined
  })
  const decoders = new Map<string, ReturnType<typeof createDecoder>>()
  const send = (topic: string, payload: object): DecodeOutcome => {
    let decoder = decoders.get(topic)
    if (!decoder)
      decoders.set(topic, (decoder = createDecoder(config(), { topic, sparkplug: state })))
    return decoder.decode(encode(payload), now)
  }
  return { state, published, send, tick: (ms: number) => (now += ms) }
}

const NBIRTH = {
  timestamp: 1000,
  seq: 0,
  metrics: [
    { name: 'bdSeq', datatype: 4, long_value: 7 },
    {
      name: 'Supply/Voltage',
      alias: 1,
      datatype: 9,
      float_value: 230.1,
      properties: { keys: ['engUnit'], values: [{ type: 12, string_value: 'V' }] }
    },
    { name: 'Uptime', alias: 2, datatype: 8, long_value: 3600 },
    { name: 'Node Control/Rebirth', alias: 3, datatype: 11, boolean_value: false },
    { name: 'Firmware', alias: 4, datatype: 12, string_value: '1.2.3' }
  ]
}
const DBIRTH = {
  timestamp: 1100,
  seq: 1,
  metrics: [
    { name: 'Temperature', alias: 10, datatype: 10, double_value: 21.5 },
    { name: 'Running', alias: 11, datatype: 11, boolean_value: true }
  ]
}

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

describe('Sparkplug B node and device state', () => {
  it('puts nodes and devices online at birth and offline at death, and back at rebirth', () => {
    const sp = connection()
    expect(sp.state.entities()).toEqual([])
    sp.send('spBv1.0/Plant/NBIRTH/Edge1', NBIRTH)
    sp.send('spBv1.0/Plant/DBIRTH/Edge1/Pump', DBIRTH)
    const status = () => sp.state.entities().map((e) => [e.series, e.status])
    expect(status()).toEqual([
      ['Plant/Edge1', 'online'],
      ['Plant/Edge1/Pump', 'online']
    ])
    sp.send('spBv1.0/Plant/DDEATH/Edge1/Pump', { timestamp: 1500, seq: 2 })
    expect(status()).toEqual([
      ['Plant/Edge1', 'online'],
      ['Plant/Edge1/Pump', 'offline']
    ])
    expect(sp.state.entity('Plant', 'Edge1', 'Pump')?.since).toBe(1500)
    sp.send('spBv1.0/Plant/DBIRTH/Edge1/Pump', { ...DBIRTH, seq: 3 })
    sp.send('spBv1.0/Plant/NDEATH/Edge1', {
      timestamp: 2000,
      metrics: [{ name: 'bdSeq', datatype: 4, long_value: 7 }]
    })
    expect(status()).toEqual([
      ['Plant/Edge1', 'offline'],
      ['Plant/Edge1/Pump', 'offline']
    ])
    sp.send('spBv1.0/Plant/NBIRTH/Edge1', {
      ...NBIRTH,
      metrics: [{ name: 'bdSeq', datatype: 4, long_value: 8 }, ...NBIRTH.metrics.slice(1)]
    })
    // A new node session: its devices wait for their own births.
    expect(status()).toEqual([
      ['Plant/Edge1', 'online'],
      ['Plant/Edge1/Pump', 'offline']
    ])
    sp.send('spBv1.0/Plant/DBIRTH/Edge1/Pump', DBIRTH)
    expect(status()).toEqual([
      ['Plant/Edge1', 'online'],
      ['Plant/Edge1/Pump', 'online']
    ])
    expect(sp.state.entity('Plant', 'Edge1')?.bdSeq).toBe(8)
  })

  it('ignores an NDEATH from an earlier session (its bdSeq is not the birth\u2019s)', () => {
    const sp = connection()
    sp.send('spBv1.0/Plant/NBIRTH/Edge1', NBIRTH) // bdSeq 7
    sp.send('spBv1.0/Plant/NDEATH/Edge1', {
      metrics: [{ name: 'bdSeq', datatype: 4, long_value: 6 }]
    })
    expect(sp.state.entity('Plant', 'Edge1')).toMatchObject({ status: 'online', staleDeaths: 1 })
  })

  it('counts seq gaps, says so on the message, and follows the wrap from 255 to 0', () => {
    const sp = connection()
    sp.send('spBv1.0/G/NBIRTH/E', {
      seq: 0,
      metrics: [{ name: 'a', alias: 1, datatype: 10, double_value: 1 }]
    })
    const data = (seq: number) =>
      sp.send('spBv1.0/G/NDATA/E', { seq, metrics: [{ alias: 1, double_value: seq }] })
    expect(data(1)).toMatchObject({ ok: true })
    const gap = data(4)
    expect(gap.ok && gap.warning).toBe(
      'Sparkplug seq 4 where 2 was expected: messages from G/E were lost or reordered'
    )
    expect(gap.ok && gap.rows[0].values).toEqual([4]) // the data itself is kept
    for (let seq = 5; seq <= 255; seq++) expect(data(seq)).not.toHaveProperty('warning')
    expect(data(0)).not.toHaveProperty('warning')
    expect(sp.state.entity('G', 'E')).toMatchObject({ seqGaps: 1, lastSeq: 0 })
  })

  it('asks for one rebirth per interval for unknown aliases, only when it may publish', () => {
    const sp = connection(true)
    const unknown = (seq: number) =>
      sp.send('spBv1.0/G/NDATA/E', { seq, metrics: [{ alias: 42, datatype: 10, double_value: 1 }] })
    const first = unknown(0)
    expect(first.ok && first.warning).toBe(
      '1 metric with alias 42 that no birth certificate seen since connecting defines: asked the edge node for a rebirth'
    )
    const second = unknown(1)
    expect(second.ok && second.warning).toBe(
      '1 metric with alias 42 that no birth certificate seen since connecting defines: not charted until the edge node is born again (a rebirth was asked for within the last 30 s)'
    )
    expect(sp.published).toEqual([
      {
        topic: 'spBv1.0/G/NCMD/E',
        payload: {
          timestamp: NOW,
          metrics: [
            { name: 'Node Control/Rebirth', timestamp: NOW, datatype: 11, boolean_value: true }
          ]
        }
      }
    ])
    sp.tick(REBIRTH_INTERVAL_MS)
    unknown(2)
    expect(sp.published).toHaveLength(2)
    expect(sp.state.entity('G', 'E')).toMatchObject({
      unknownAliases: 3,
      lastUnknownAlias: 42,
      rebirthRequests: 2
    })

    const quiet = connection(false)
    const outcome = quiet.send('spBv1.0/G/DDATA/E/D', {
      seq: 0,
      metrics: [
        { alias: 5, double_value: 1 },
        { alias: 6, double_value: 2 }
      ]
    })
    expect(outcome.ok && outcome.warning).toBe(
      '2 metrics with alias 5, 6 that no birth certificate seen since connecting defines: not charted until the edge node is born again (allow publishing on this connection to ask it for a rebirth)'
    )
    expect(quiet.published).toEqual([])
    expect(quiet.state.entity('G', 'E', 'D')).toMatchObject({
      unknownAliases: 2,
      rebirthRequests: 0
    })
  })

  it('keeps host application state from STATE messages (3.0 JSON and the older words)', () => {
    const sp = connection()
    const state = (host: string, text: string) =>
      createDecoder(config(), { topic: `spBv1.0/STATE/${host}`, sparkplug: sp.state }).decode(
        Buffer.from(text),
        NOW
      )
    expect(state('scada', '{"online":true,"timestamp":1668114759262}')).toEqual({
      ok: true,
      rows: []
    })
    expect(state('old', 'OFFLINE')).toEqual({ ok: true, rows: [] })
    expect(errorOf(state('bad', 'yes'))).toBe(
      'Sparkplug STATE payload is not {"online": true|false, "timestamp": …}: "yes"'
    )
    expect(sp.state.hosts()).toEqual([
      { host: 'scada', online: true, timestamp: 1668114759262, since: NOW },
      { host: 'old', online: false, since: NOW }
    ])
  })

  it('shows commands to a node for the inspector without charting them', () => {
    const sp = connection()
    const outcome = sp.send('spBv1.0/G/NCMD/E', {
      metrics: [{ name: 'Node Control/Rebirth', datatype: 11, boolean_value: true }]
    })
    expect(outcome).toEqual({
      ok: true,
      rows: [],
      extras: [
        {
          series: 'G/E',
          metric: 'Node Control/Rebirth',
          t: NOW,
          datatype: 'Boolean',
          value: { kind: 'boolean', value: true }
        }
      ]
    })
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
