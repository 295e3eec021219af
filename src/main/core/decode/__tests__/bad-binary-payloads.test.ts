// The message a user sees on a topic for each kind of bad binary payload: counted with its
// reason, never thrown, and never decoded into something the payload only claims to hold.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { encode as cborEncode } from 'cbor-x'
import { pack } from 'msgpackr'
import { afterAll, describe, expect, it } from 'vitest'
import { createDecoder } from '..'
import type { DecoderConfig } from '../../../../shared/schemas'
import { sparkplugPayloadType } from '../sparkplug/sparkplug-payload'
import { config, errorOf, NOW } from './decode-test-helpers'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-binary-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const bytes = (...parts: (number | number[])[]): Uint8Array => new Uint8Array(parts.flat())
const decodeError = (over: Partial<DecoderConfig>, payload: Uint8Array, topic?: string): string =>
  errorOf(createDecoder(config(over), { topic }).decode(payload, NOW))

describe('CBOR', () => {
  const cbor = (payload: Uint8Array) => decodeError({ format: 'cbor' }, payload)

  it('refuses a header claiming 4 GB before anything is allocated', () => {
    expect(cbor(bytes(0x5a, [0xff, 0xff, 0xff, 0xff], [1, 2, 3]))).toBe(
      'CBOR declares a 4.0 GB byte string but the payload has 3 bytes left: refused unread'
    )
    expect(cbor(bytes(0x7b, [0, 0, 0, 1, 0, 0, 0, 0], [0x61]))).toBe(
      'CBOR declares a 4.0 GB text but the payload has 1 byte left: refused unread'
    )
    expect(cbor(bytes(0x9a, [0xff, 0xff, 0xff, 0xff], [1]))).toBe(
      'CBOR declares an array of 4,294,967,295 items but the payload has 1 byte left: refused unread'
    )
    expect(cbor(bytes(0xba, [0x10, 0, 0, 0], [1, 2]))).toBe(
      'CBOR declares a map of 268,435,456 items but the payload has 2 bytes left: refused unread'
    )
  })

  it('refuses nesting deeper than the limit, definite or not', () => {
    expect(cbor(new Uint8Array(100_000).fill(0x81))).toBe('CBOR nested deeper than 64 levels')
    expect(cbor(new Uint8Array(100_000).fill(0x9f))).toBe('CBOR nested deeper than 64 levels')
    const deepButFine = bytes(
      new Array(63).fill(0xa1).flatMap((b) => [b, 0x61, 0x6b]),
      0x01
    )
    expect(createDecoder(config({ format: 'cbor' })).decode(deepButFine, NOW).ok).toBe(false) // no numbers within 8 levels
  })

  it('refuses the tags that make references, records or work from a few bytes', () => {
    // value sharing (28/29) could build a cycle or repeat one object a billion times
    expect(cbor(bytes(0xd8, 0x1c, 0x80))).toBe(
      'CBOR tag 28 is not supported (only dates and big numbers)'
    )
    expect(cbor(bytes(0xd9, 0xdf, 0xff, 0x80))).toBe(
      'CBOR tag 57343 is not supported (only dates and big numbers)'
    )
    expect(cbor(bytes(0xc2, 0x58, 0x20, new Array(32).fill(1)))).toBe(
      'CBOR big number wider than 16 bytes'
    )
    expect(cbor(bytes(0xa1, 0x80, 0x01))).toBe('CBOR map key is not text or a number')
  })

  it('says where a payload is cut short or has more after it', () => {
    const whole = cborEncode({ temp: 22.5, pressure: 1013 })
    expect(cbor(whole.subarray(0, whole.length - 2))).toBe(
      `truncated CBOR: the payload (${whole.length - 2} bytes) ends inside a value`
    )
    expect(cbor(bytes([...whole], 0x01))).toBe('CBOR has 1 byte after its first value')
    expect(cbor(bytes(0xff))).toBe('malformed CBOR: unexpected "break" at byte 0')
    expect(cbor(bytes(0x1c))).toBe('malformed CBOR: reserved header byte 0x1c at byte 0')
    expect(cbor(new Uint8Array(0))).toBe('empty payload')
  })
})

describe('MessagePack', () => {
  const msgpack = (payload: Uint8Array) => decodeError({ format: 'msgpack' }, payload)

  it('refuses lengths and counts beyond the bytes that follow', () => {
    expect(msgpack(bytes(0xdb, [0xff, 0xff, 0xff, 0xff], [0x61]))).toBe(
      'MessagePack declares a 4.0 GB text but the payload has 1 byte left: refused unread'
    )
    expect(msgpack(bytes(0xc6, [0xff, 0xff, 0xff, 0xff]))).toBe(
      'MessagePack declares a 4.0 GB byte string but the payload has 0 bytes left: refused unread'
    )
    expect(msgpack(bytes(0xdd, [0xff, 0xff, 0xff, 0xff], [1, 2]))).toBe(
      'MessagePack declares an array of 4,294,967,295 entries but the payload has 2 bytes left: refused unread'
    )
  })

  it('refuses deep nesting, extensions other than timestamps, and odd keys', () => {
    expect(msgpack(new Uint8Array(100_000).fill(0x91))).toBe(
      'MessagePack nested deeper than 64 levels'
    )
    expect(msgpack(bytes(0xd4, 0x72, 0x00))).toBe(
      'MessagePack extension type 114 is not supported (only timestamps)'
    )
    expect(msgpack(bytes(0x81, 0xc0, 0x01))).toBe('MessagePack map key is not text or a number')
    expect(msgpack(bytes(0xc1))).toBe('malformed MessagePack: byte 0xc1 at byte 0 is never used')
  })

  it('says where a payload is cut short or has more after it', () => {
    const whole = pack({ temp: 22.5, pressure: 1013 })
    expect(msgpack(whole.subarray(0, whole.length - 1))).toBe(
      `truncated MessagePack: the payload (${whole.length - 1} bytes) ends inside a value`
    )
    expect(msgpack(bytes([...whole], 0x01))).toBe('MessagePack has 1 byte after its first value')
  })
})

describe('binary structs', () => {
  const struct = (payload: Uint8Array) =>
    decodeError({ format: 'struct', structLayout: '<fff', structFields: ['t', 'p', 'a'] }, payload)

  it('refuses a payload shorter or longer than the layout', () => {
    expect(struct(new Uint8Array(8))).toBe('payload is 8 bytes but layout <fff needs 12 bytes')
    expect(struct(new Uint8Array(16))).toBe(
      'payload is 16 bytes but layout <fff reads only 12 bytes: does the layout match what the device sends?'
    )
  })
})

describe('protobuf', () => {
  const proto = path.join(dir, 'r.proto')
  fs.writeFileSync(
    proto,
    'syntax = "proto3";\nmessage Reading { double temp = 1; string id = 2; Reading inner = 3; }\n'
  )
  const protobuf = (payload: Uint8Array) =>
    decodeError({ format: 'protobuf', protoFile: proto, protoType: 'Reading' }, payload)

  it('names a truncated message, a length that runs past the end, and junk', () => {
    // temp (field 1, double) with only 4 of its 8 bytes
    expect(protobuf(bytes(0x09, [0, 0, 0, 0]))).toBe(
      'truncated protobuf: a field of Reading runs past the end of the payload (5 bytes)'
    )
    // id (field 2) claiming 1,000,000 bytes, and claiming 4 GB
    expect(protobuf(bytes(0x12, [0xc0, 0x84, 0x3d], [0x61]))).toBe(
      'truncated protobuf: a field of Reading runs past the end of the payload (5 bytes)'
    )
    expect(protobuf(bytes(0x12, [0xff, 0xff, 0xff, 0xff, 0x0f], [0x61]))).toBe(
      'not a protobuf Reading (invalid length encoding)'
    )
    expect(protobuf(bytes(0x0f))).toBe('not a protobuf Reading (invalid wire type 7 at offset 1)')
  })

  it('refuses nesting deeper than the limit', () => {
    // inner { inner { ... } } 70 levels deep
    let nested: Uint8Array = new Uint8Array(0)
    for (let i = 0; i < 70; i++) {
      const len = nested.length
      const varint = len < 128 ? [len] : [(len & 0x7f) | 0x80, len >> 7]
      nested = bytes(0x1a, varint, [...nested])
    }
    expect(protobuf(nested)).toBe('protobuf nested deeper than 64 levels')
  })
})

describe('Sparkplug B', () => {
  const sparkplug = (payload: Uint8Array) =>
    decodeError({ format: 'auto' }, payload, 'spBv1.0/Plant/DDATA/Edge1/Pump')

  it('names a truncated payload and one that is not Sparkplug', () => {
    const T = sparkplugPayloadType()
    const whole = T.encode(
      T.fromObject({ timestamp: 1, seq: 1, metrics: [{ alias: 1, double_value: 1.5 }] })
    ).finish()
    expect(sparkplug(whole.subarray(0, whole.length - 3))).toBe(
      `truncated Sparkplug B payload: a field runs past the end of the payload (${whole.length - 3} bytes)`
    )
    expect(sparkplug(Buffer.from('22.5,1013'))).toMatch(
      /^(not a Sparkplug B payload \(|truncated Sparkplug B payload)/
    )
  })
})
