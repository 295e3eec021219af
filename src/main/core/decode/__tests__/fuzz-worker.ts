// Run by decoder-fuzz.test.ts in its own process with a small heap: random and adversarial
// bytes into every decoder. A decoder that allocated what a payload claims would run this
// process out of memory (and the test would see it die); one that throws is recorded.
// Prints one JSON line: what was tried and what went wrong.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { encode as cborEncode } from 'cbor-x'
import { pack } from 'msgpackr'
import protobuf from 'protobufjs'
import { decoderSchema, type DecoderConfig } from '../../../../shared/schemas'
import { createDecoder, SparkplugState, type Decoder } from '..'
import { sparkplugPayloadType } from '../sparkplug/sparkplug-payload'
import { viewSparkplugMessage } from '../sparkplug/sparkplug-view'
import { mulberry32 } from './decode-test-helpers'

const seed = Number(process.argv[2] ?? 1)
const random = mulberry32(seed)
const int = (n: number): number => Math.floor(random() * n)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-'))
const proto = path.join(dir, 'r.proto')
fs.writeFileSync(
  proto,
  'syntax = "proto3";\nmessage R { double t = 1; float h = 2; repeated sint64 s = 3; map<string, int32> m = 4; R inner = 5; string id = 6; }\n'
)
const R = protobuf.loadSync(proto).lookupType('R')
const SP = sparkplugPayloadType()

const cfg = (over: Partial<DecoderConfig>): DecoderConfig => decoderSchema.parse(over)
const sparkplug = new SparkplugState({ publish: () => undefined })
const decoders: [string, Decoder][] = [
  ['csv', createDecoder(cfg({ format: 'csv' }))],
  ['json', createDecoder(cfg({ format: 'json' }))],
  ['number', createDecoder(cfg({ format: 'number' }))],
  ['auto', createDecoder(cfg({}))],
  ['cbor', createDecoder(cfg({ format: 'cbor' }))],
  ['cbor paths', createDecoder(cfg({ format: 'cbor', jsonPaths: ['a.b', 'x.0'] }))],
  ['msgpack', createDecoder(cfg({ format: 'msgpack' }))],
  ['struct <fff', createDecoder(cfg({ format: 'struct', structLayout: '<fff' }))],
  ['struct >hHiBqe', createDecoder(cfg({ format: 'struct', structLayout: '>hHiBqe' }))],
  ['protobuf', createDecoder(cfg({ format: 'protobuf', protoFile: proto, protoType: 'R' }))],
  ['sparkplug NBIRTH', createDecoder(cfg({}), { topic: 'spBv1.0/G/NBIRTH/E', sparkplug })],
  ['sparkplug NDATA', createDecoder(cfg({}), { topic: 'spBv1.0/G/NDATA/E', sparkplug })],
  ['sparkplug DBIRTH', createDecoder(cfg({}), { topic: 'spBv1.0/G/DBIRTH/E/D', sparkplug })],
  ['sparkplug DDATA', createDecoder(cfg({}), { topic: 'spBv1.0/G/DDATA/E/D', sparkplug })],
  ['sparkplug NDEATH', createDecoder(cfg({}), { topic: 'spBv1.0/G/NDEATH/E', sparkplug })],
  ['sparkplug STATE', createDecoder(cfg({}), { topic: 'spBv1.0/STATE/h', sparkplug })],
  [
    'sparkplug inspector view',
    {
      format: 'view',
      decode: (payload) => {
        const view = viewSparkplugMessage('spBv1.0/G/DDATA/E/D', payload, sparkplug)
        return typeof view === 'string' ? { ok: false, error: view } : { ok: true, rows: [] }
      }
    }
  ]
]

// Valid payloads of each format, the seeds of the mutations.
const valid: Uint8Array[] = [
  Buffer.from('22.31,1013.25,76.12'),
  Buffer.from('[{"ts":1586815920,"temp":22.3,"pressure":102583,"alt":76}]'),
  cborEncode({ ts: 1, temp: 22.5, nested: { a: [1, 2, { b: 3 }] }, id: 'x', when: new Date(5) }),
  cborEncode([{ a: 1 }, { a: 2 }, 3]),
  pack({ ts: 1, temp: 22.5, nested: { a: [1, 2, { b: 3 }] }, id: 'x', when: new Date(5) }),
  R.encode(
    R.fromObject({
      t: 1.5,
      h: 2,
      s: [1, -2],
      m: { a: 1 },
      inner: { t: 3, inner: { h: 4 } },
      id: 'q'
    })
  ).finish(),
  SP.encode(
    SP.fromObject({
      timestamp: 1,
      seq: 0,
      metrics: [
        { name: 'bdSeq', datatype: 4, long_value: 1 },
        { name: 'a', alias: 1, datatype: 9, float_value: 1.5 },
        {
          name: 'ds',
          alias: 2,
          datatype: 16,
          dataset_value: { columns: ['c'], types: [3], rows: [{ elements: [{ int_value: 1 }] }] }
        },
        {
          name: 't',
          alias: 3,
          datatype: 19,
          template_value: { metrics: [{ name: 'x', datatype: 10, double_value: 1 }] }
        },
        { name: 'arr', alias: 4, datatype: 32, bytes_value: Buffer.from([0, 0, 0, 9, 0xff, 0xff]) }
      ]
    })
  ).finish(),
  SP.encode(
    SP.fromObject({
      timestamp: 2,
      seq: 1,
      metrics: [
        { alias: 1, float_value: 2 },
        { alias: 99, double_value: 1 }
      ]
    })
  ).finish(),
  Buffer.from('{"online":true,"timestamp":1}')
]
for (let i = 0; i < 12; i++) valid.push(new Uint8Array(12).map(() => int(256)))
// Sparkplug metrics of any data type holding any kind of value: types and values that disagree.
const VALUE_FIELDS = [
  { int_value: 4294967295 },
  { long_value: '18446744073709551615' },
  { float_value: -1.5 },
  { double_value: 1e308 },
  { boolean_value: true },
  { string_value: 'x' },
  { bytes_value: Buffer.from([1, 2, 3, 4, 5]) },
  {
    dataset_value: {
      columns: ['a'],
      types: [int(40)],
      rows: [{ elements: [{ long_value: 5 }, { string_value: 'y' }] }]
    }
  },
  {
    template_value: {
      metrics: [{ alias: 3, datatype: int(40), int_value: 1 }],
      parameters: [{ name: 'p', type: int(40), string_value: 'q' }]
    }
  },
  {}
]
const mixed: Uint8Array[] = []
for (let i = 0; i < 60; i++) {
  const metrics = Array.from({ length: 1 + int(6) }, (_, k) => ({
    ...(int(3) ? { name: `m${int(4)}` } : {}),
    ...(int(2) ? { alias: int(6) } : {}),
    ...(int(4) ? { datatype: int(40) } : {}),
    ...(int(5) === 0 ? { is_null: true } : {}),
    ...(int(3) === 0 ? { timestamp: int(5) } : {}),
    ...VALUE_FIELDS[(k + i) % VALUE_FIELDS.length]
  }))
  mixed.push(SP.encode(SP.fromObject({ timestamp: int(10), seq: int(300), metrics })).finish())
}

function mutate(seedPayload: Uint8Array): Uint8Array {
  const b = Uint8Array.from(seedPayload)
  switch (int(5)) {
    case 0: // a byte changed
      if (b.length) b[int(b.length)] = int(256)
      return b
    case 1: // a run of 0xff: lengths and counts claiming the most they can
      for (let i = int(b.length), n = 1 + int(9); i < b.length && n > 0; i++, n--) b[i] = 0xff
      return b
    case 2: // cut short
      return b.subarray(0, int(b.length + 1))
    case 3: // bytes inserted
      return Uint8Array.from([
        ...b.subarray(0, int(b.length + 1)),
        ...new Uint8Array(1 + int(8)).map(() => int(256)),
        ...b.subarray(int(b.length + 1))
      ])
    default: // doubled
      return Uint8Array.from([...b, ...b])
  }
}

const payloads: Uint8Array[] = []
for (const v of valid) {
  payloads.push(v)
  for (let cut = 0; cut < v.length; cut++) payloads.push(v.subarray(0, cut))
  for (let i = 0; i < 150; i++) payloads.push(mutate(mutate(v)))
}
payloads.push(...mixed)
for (let i = 0; i < 2000; i++) payloads.push(new Uint8Array(int(300)).map(() => int(256)))
// Hand-made lies: 4 GB headers, deep nesting, a megabyte of nothing, one byte too many.
payloads.push(
  Uint8Array.from([0x5b, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
  Uint8Array.from([0x9b, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
  Uint8Array.from([0xdd, 0xff, 0xff, 0xff, 0xff, 1]),
  Uint8Array.from([0xdf, 0xff, 0xff, 0xff, 0xff, 1]),
  Uint8Array.from([0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 1]),
  new Uint8Array(200_000).fill(0x81),
  new Uint8Array(200_000).fill(0x91),
  new Uint8Array(200_000).fill(0x5b),
  new Uint8Array(200_000).fill(0x2a),
  new Uint8Array(1024 * 1024).map(() => int(256)),
  new Uint8Array(1024 * 1024 + 1)
)

const thrown: string[] = []
const inconsistent: string[] = []
let decodes = 0
let peakArrayBuffers = 0
let peakHeap = 0
const hex = (b: Uint8Array): string => Buffer.from(b.subarray(0, 48)).toString('hex')

for (const payload of payloads) {
  for (const [name, decoder] of decoders) {
    decodes++
    try {
      const outcome = decoder.decode(payload, 1_700_000_000_000)
      if (!outcome.ok) {
        if (typeof outcome.error !== 'string' || outcome.error === '' || outcome.error.length > 600)
          inconsistent.push(
            `${name}: error ${JSON.stringify(outcome.error)?.slice(0, 100)} for ${hex(payload)}`
          )
        continue
      }
      for (const row of outcome.rows) {
        const cells = Buffer.from(row.text.subarray(row.textStart, row.textEnd))
          .toString()
          .split(',')
        const ok =
          row.values.length === row.fields.length &&
          (row.fields.length === 0 || cells.length === row.fields.length) &&
          row.values.every((v, i) => (Number.isNaN(v) ? cells[i] === '' : Number(cells[i]) === v))
        if (!ok) inconsistent.push(`${name}: row text does not match values for ${hex(payload)}`)
      }
    } catch (error) {
      thrown.push(
        `${name}: ${String((error as Error)?.stack ?? error).slice(0, 300)} for ${hex(payload)}`
      )
    }
    if (decodes % 500 === 0) {
      const m = process.memoryUsage()
      peakArrayBuffers = Math.max(peakArrayBuffers, m.arrayBuffers)
      peakHeap = Math.max(peakHeap, m.heapUsed)
    }
  }
}
fs.rmSync(dir, { recursive: true, force: true })
console.log(
  JSON.stringify({
    decodes,
    payloads: payloads.length,
    decoders: decoders.length,
    thrown: thrown.slice(0, 20),
    inconsistent: inconsistent.slice(0, 20),
    peakArrayBuffersMB: peakArrayBuffers / 1048576,
    peakHeapMB: peakHeap / 1048576
  })
)
