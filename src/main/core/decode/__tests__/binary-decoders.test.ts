// CBOR, MessagePack, binary structs and protobuf, each fed payloads made by an encoder that is
// not ours (the libraries' own encoders, Node's Buffer writers, protobufjs from a .proto).
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { encode as cborEncode } from 'cbor-x'
import { pack } from 'msgpackr'
import protobuf from 'protobufjs'
import { afterAll, describe, expect, it } from 'vitest'
import { createDecoder } from '..'
import { parseStructLayout } from '../../../../shared/struct-layout'
import { NOW, config, errorOf, rowsOf, textOf, valuesOf } from './decode-test-helpers'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binary-decoders-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('CBOR and MessagePack read like JSON', () => {
  const reading = { ts: 1586815920, temp: 22.3, pressure: 102583, alt: 76, id: 'esp32-01' }
  const formats = [
    { format: 'cbor' as const, encode: (v: unknown) => cborEncode(v) },
    { format: 'msgpack' as const, encode: (v: unknown) => pack(v) }
  ]

  for (const { format, encode } of formats) {
    it(`${format}: the reference reading, ts as t, text and ids left out`, () => {
      const [row] = rowsOf(createDecoder(config({ format })).decode(encode(reading), NOW))
      expect(row.t).toBe(1586815920_000)
      expect(valuesOf(row)).toEqual({ temp: 22.3, pressure: 102583, alt: 76 })
      expect(textOf(row)).toBe('22.3,102583,76')
    })

    it(`${format}: an array of readings gives a row each; nested numbers by dot path`, () => {
      const payload = encode([
        { ts: 1, sensor: { temp: 1.5, ok: true }, list: [1, 2] },
        { ts: 2, sensor: { temp: -2.25, ok: false }, list: [3] }
      ])
      const rows = rowsOf(createDecoder(config({ format })).decode(payload, NOW))
      expect(rows.map((r) => [r.t, valuesOf(r)])).toEqual([
        [1000, { 'sensor.temp': 1.5, 'sensor.ok': 1 }],
        [2000, { 'sensor.temp': -2.25, 'sensor.ok': 0 }]
      ])
      // The same field list is one shared array, as for JSON.
      expect(rows[0].fields).toBe(rows[1].fields)
    })

    it(`${format}: chosen dot paths, in their order`, () => {
      const decoder = createDecoder(config({ format, jsonPaths: ['alt', 'temp', 'missing'] }))
      const [row] = rowsOf(decoder.decode(encode(reading), NOW))
      expect(row.fields).toEqual(['alt', 'temp', 'missing'])
      expect(row.values).toEqual([76, 22.3, NaN])
      expect(textOf(row)).toBe('76,22.3,')
    })

    it(`${format}: 64-bit integers and dates as timestamps`, () => {
      const payload = encode({ time: new Date(1700000000123), big: 2 ** 40 + 1 })
      const [row] = rowsOf(createDecoder(config({ format })).decode(payload, NOW))
      expect(row.t).toBe(1700000000123)
      expect(valuesOf(row)).toEqual({ big: 2 ** 40 + 1 })
    })

    it(`${format}: a payload of text only says it has no numbers`, () => {
      expect(errorOf(createDecoder(config({ format })).decode(encode({ a: 'x' }), NOW))).toBe(
        `${format === 'cbor' ? 'CBOR' : 'MessagePack'} has no numeric fields`
      )
    })
  }

  it('float32 values read as the decimal that was written', () => {
    // A CBOR float32 (0xfa) and a MessagePack float32 (0xca) holding 22.31.
    const f32 = Buffer.alloc(4)
    f32.writeFloatBE(22.31)
    const cbor = Buffer.concat([Buffer.from([0xa1, 0x61, 0x74, 0xfa]), f32])
    const msgpack = Buffer.concat([Buffer.from([0x81, 0xa1, 0x74, 0xca]), f32])
    expect(rowsOf(createDecoder(config({ format: 'cbor' })).decode(cbor, NOW))[0].values).toEqual([
      22.31
    ])
    expect(
      rowsOf(createDecoder(config({ format: 'msgpack' })).decode(msgpack, NOW))[0].values
    ).toEqual([22.31])
  })
})

describe('binary structs', () => {
  it('reads three little-endian floats as their decimals, named by the user', () => {
    const payload = Buffer.alloc(12)
    payload.writeFloatLE(22.31, 0)
    payload.writeFloatLE(1013.25, 4)
    payload.writeFloatLE(76.12, 8)
    const decoder = createDecoder(
      config({
        format: 'struct',
        structLayout: '<fff',
        structFields: ['temperature', 'pressure', 'altitude']
      })
    )
    const [row] = rowsOf(decoder.decode(payload, NOW))
    expect(row.t).toBe(NOW)
    expect(valuesOf(row)).toEqual({ temperature: 22.31, pressure: 1013.25, altitude: 76.12 })
    expect(textOf(row)).toBe('22.31,1013.25,76.12')
  })

  it('reads big-endian integers of every width, counts, pad bytes and booleans', () => {
    const b = Buffer.alloc(1 + 2 + 2 + 4 + 4 + 8 + 8 + 1 + 2 + 8)
    let at = 0
    b.writeInt8(-5, at++)
    at = b.writeInt16BE(-300, at)
    at = b.writeUInt16BE(65000, at)
    at = b.writeInt32BE(-70000, at)
    at = b.writeUInt32BE(4000000000, at)
    at = b.writeBigInt64BE(-(2n ** 40n), at)
    at = b.writeBigUInt64BE(2n ** 52n, at)
    b.writeUInt8(1, at++)
    at += 2 // two pad bytes
    b.writeDoubleBE(-0.1, at)
    const decoder = createDecoder(config({ format: 'struct', structLayout: '>bhHiIqQ?2xd' }))
    const [row] = rowsOf(decoder.decode(b, NOW))
    expect(row.fields).toEqual([
      'field1',
      'field2',
      'field3',
      'field4',
      'field5',
      'field6',
      'field7',
      'field8',
      'field9'
    ])
    expect(row.values).toEqual([-5, -300, 65000, -70000, 4000000000, -(2 ** 40), 2 ** 52, 1, -0.1])
  })

  it('takes t from a field named ts (epoch seconds) and leaves it out of the series', () => {
    const b = Buffer.alloc(8)
    b.writeUInt32LE(1700000000, 0)
    b.writeFloatLE(21.5, 4)
    const decoder = createDecoder(
      config({ format: 'struct', structLayout: '<If', structFields: ['ts', 'temp'] })
    )
    const [row] = rowsOf(decoder.decode(b, NOW))
    expect(row.t).toBe(1700000000_000)
    expect(valuesOf(row)).toEqual({ temp: 21.5 })
  })

  it('explains layouts it cannot use', () => {
    expect(parseStructLayout('fff')).toEqual({
      ok: false,
      error:
        'start the struct layout with < (little-endian) or > (big-endian), e.g. <fff; native alignment (@) is not supported'
    })
    expect(parseStructLayout('<f4s')).toEqual({
      ok: false,
      error: "struct type 's' (text) is not supported: only numbers (x ? b B h H i I l L q Q e f d)"
    })
    expect(parseStructLayout('<fz')).toEqual({
      ok: false,
      error: "unknown struct type 'z' at position 3 of the layout"
    })
    expect(parseStructLayout('<1001f')).toEqual({
      ok: false,
      error: 'the struct layout has more than 1000 values'
    })
    expect(parseStructLayout('<4x')).toEqual({
      ok: false,
      error: 'the struct layout has no values, only padding'
    })
    expect(
      errorOf(
        createDecoder(config({ format: 'struct', structLayout: 'fff' })).decode(
          new Uint8Array(12),
          NOW
        )
      )
    ).toMatch(/^struct layout: start the struct layout with </)
  })
})

describe('protobuf with the user\u2019s .proto', () => {
  const proto = path.join(dir, 'reading.proto')
  fs.writeFileSync(
    proto,
    `syntax = "proto3";
package sensors.v1;
import "google/protobuf/timestamp.proto";
import "extra.proto";
message Reading {
  double temperature = 1;
  float humidity = 2;
  int64 count = 3;
  repeated sint32 samples = 4;
  Inner inner = 5;
  google.protobuf.Timestamp time = 6;
  map<string, double> channels = 7;
  optional int32 maybe = 8;
  string label = 9;
  Extra extra = 10;
  Status status = 11;
}
message Inner { fixed32 raw = 1; bool ok = 2; }
enum Status { UNKNOWN = 0; RUNNING = 2; }
`
  )
  fs.writeFileSync(
    path.join(dir, 'extra.proto'),
    'syntax = "proto2";\npackage sensors.v1;\nmessage Extra { optional uint64 big = 1; optional double gone = 2; }\n'
  )
  const type = protobuf.loadSync(proto).lookupType('sensors.v1.Reading')
  const encode = (v: object): Uint8Array => type.encode(type.fromObject(v)).finish()
  const decoder = (over = {}) =>
    createDecoder(
      config({ format: 'protobuf', protoFile: proto, protoType: 'sensors.v1.Reading', ...over })
    )

  it('charts every numeric field: nested by dot path, repeated by index, maps by key', () => {
    const payload = encode({
      temperature: 22.31,
      humidity: 45.2,
      count: 9007199254740991,
      samples: [1, -2, 3],
      inner: { raw: 4000000000, ok: true },
      time: { seconds: 1700000000, nanos: 250_000_000 },
      channels: { a: 1.5 },
      label: 'x',
      extra: { big: 123 },
      status: 2
    })
    const [row] = rowsOf(decoder().decode(payload, NOW))
    expect(row.t).toBe(1700000000250)
    expect(valuesOf(row)).toEqual({
      temperature: 22.31,
      humidity: 45.2,
      count: 9007199254740991,
      'samples.0': 1,
      'samples.1': -2,
      'samples.2': 3,
      'inner.raw': 4000000000,
      'inner.ok': 1,
      'channels.a': 1.5,
      'extra.big': 123,
      'extra.gone': NaN,
      maybe: NaN,
      status: 2
    })
    // Fixed fields first, in schema order, then this message's repeated and map entries.
    expect(row.fields.slice(0, 8)).toEqual([
      'temperature',
      'humidity',
      'count',
      'inner.raw',
      'inner.ok',
      'maybe',
      'extra.big',
      'extra.gone'
    ])
  })

  it('reads proto3 scalars left out as zero, and fields with presence left out as missing', () => {
    const [row] = rowsOf(decoder().decode(encode({ humidity: 1 }), NOW))
    expect(row.t).toBe(NOW)
    expect(valuesOf(row)).toEqual({
      temperature: 0,
      humidity: 1,
      count: 0,
      status: 0,
      'inner.raw': NaN,
      'inner.ok': NaN,
      maybe: NaN,
      'extra.big': NaN,
      'extra.gone': NaN
    })
    // A message of the same shape gives the same field list: one series set, no new combinations.
    const [next] = rowsOf(decoder().decode(encode({ temperature: 5, maybe: 1 }), NOW))
    expect(next.fields).toEqual(row.fields)
    expect(textOf(next)).toBe('5,0,0,,,1,,,0')
  })

  it('picks chosen dot paths, floats as their decimals', () => {
    const payload = encode({ humidity: 45.2, samples: [7, 8], inner: { raw: 5 }, maybe: 0 })
    const [row] = rowsOf(
      decoder({
        jsonPaths: ['humidity', 'samples.1', 'inner.raw', 'maybe', 'label', 'nope']
      }).decode(payload, NOW)
    )
    expect(row.values).toEqual([45.2, 8, 5, 0, NaN, NaN])
  })

  it('accepts a short type name when it is unique, and lists the types when it is wrong', () => {
    const short = createDecoder(
      config({ format: 'protobuf', protoFile: proto, protoType: 'Reading' })
    )
    expect(rowsOf(short.decode(encode({ temperature: 1 }), NOW))[0].values[0]).toBe(1)
    const wrong = createDecoder(config({ format: 'protobuf', protoFile: proto, protoType: 'Nope' }))
    expect(errorOf(wrong.decode(new Uint8Array(0), NOW))).toBe(
      'protobuf schema: no message type "Nope" in the .proto file (it has sensors.v1.Reading, sensors.v1.Inner, sensors.v1.Extra)'
    )
  })

  it('says what is wrong with a .proto file instead of throwing', () => {
    const bad = path.join(dir, 'bad.proto')
    fs.writeFileSync(bad, 'syntax = "proto3";\nmessage X { int32 a = 1 }\n')
    const missingImport = path.join(dir, 'imports.proto')
    fs.writeFileSync(
      missingImport,
      'syntax = "proto3";\nimport "nowhere.proto";\nmessage Y { int32 a = 1; }\n'
    )
    const errors = [
      bad,
      missingImport,
      path.join(dir, 'absent.proto'),
      'relative.proto',
      dir,
      ''
    ].map((file) =>
      errorOf(
        createDecoder(config({ format: 'protobuf', protoFile: file, protoType: 'X' })).decode(
          new Uint8Array(1),
          NOW
        )
      )
    )
    expect(errors).toEqual([
      "protobuf schema: the .proto file could not be read: illegal token '}', ';' expected (line 2)",
      `protobuf schema: the .proto file could not be read: there is no file ${path.join(dir, 'nowhere.proto')}`,
      `protobuf schema: there is no file ${path.join(dir, 'absent.proto')}`,
      'protobuf schema: give the full path of the .proto file ("relative.proto" is relative)',
      `protobuf schema: the .proto file could not be read: ${dir} is not a file`,
      'protobuf schema: choose the .proto file'
    ])
  })
})
