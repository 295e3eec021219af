// CBOR and MessagePack maps read in one pass against the libraries on the same bytes: whenever
// the one-pass reader takes a payload, the outcome (rows with their times, field names, values
// and text, warnings, errors) equals what decoding with the library and walking the object
// gives, for random maps of every value kind, nesting, tricky keys and timestamp settings.
import { Decoder as CborX, Encoder as CborEncoder, FLOAT32_OPTIONS } from 'cbor-x'
import { Packr, Unpackr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import type { TimestampConfig } from '../../../../shared/schemas'
import { readCborMap } from '../cbor-flat'
import { FlatMap } from '../flat-map'
import { readMsgpackMap } from '../msgpack-flat'
import { StructuredRows } from '../structured-rows'
import type { DecodeOutcome } from '../types'

function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const KEYS = [
  'ts',
  'time',
  'timestamp',
  'temp',
  'a',
  'b',
  'sensor',
  'x.y',
  '1',
  '__proto__',
  'é',
  ''
]

function leaf(r: () => number): unknown {
  const pick = Math.floor(r() * 16)
  switch (pick) {
    case 0:
      return Math.floor(r() * 100)
    case 1:
      return -Math.floor(r() * 1e6)
    case 2:
      return Math.floor(r() * 2 ** 32)
    case 3:
      return Math.round(r() * 10000) / 100
    case 4:
      return r() * 1e6
    case 5:
      return r() < 0.5
    case 6:
      return null
    case 7:
      return undefined
    case 8:
      return r() < 0.8 ? 'ok' : 'caf\u00e9'
    case 9:
      return Buffer.from([1, 2])
    case 10:
      return [1, 2]
    case 11:
      return 1700000000000 + Math.floor(r() * 1e6)
    case 12:
      return 2 ** 40 + Math.floor(r() * 1000)
    case 13:
      return r() < 0.5 ? NaN : -Infinity
    case 14:
      return new Date(1700000000000)
    default:
      return '2024-01-02T03:04:05Z'
  }
}

function object(r: () => number, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  const n = Math.floor(r() * 7)
  for (let i = 0; i < n; i++) {
    const key = r() < 0.7 ? KEYS[Math.floor(r() * 6)] : KEYS[Math.floor(r() * KEYS.length)]
    // Defined, not assigned: `__proto__` must become a key, not the prototype.
    Object.defineProperty(o, key, {
      value: depth < 10 && r() < 0.25 ? object(r, depth + 1) : leaf(r),
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return o
}

const TIMESTAMPS: TimestampConfig[] = [
  { source: 'auto', field: 'ts', format: 'auto' },
  { source: 'auto', field: 'time', format: 'epoch_ms' },
  { source: 'field', field: 'timestamp', format: 'auto' },
  { source: 'receive', field: 'ts', format: 'auto' }
]

function check(
  label: string,
  encode: (o: object) => Uint8Array,
  decode: (b: Uint8Array) => unknown,
  read: (b: Uint8Array, flat: FlatMap) => boolean,
  seed: number
): number {
  const r = random(seed)
  let taken = 0
  for (const timestamp of TIMESTAMPS) {
    const direct = new StructuredRows(label, [], timestamp)
    const library = new StructuredRows(label, [], timestamp)
    const flat = new FlatMap()
    for (let i = 0; i < 1500; i++) {
      const bytes = encode(object(r, 0))
      if (!read(bytes, flat)) continue
      const outcome = direct.decodeFlat(flat, 5)
      if (!outcome) continue
      taken++
      expect(snapshot(outcome)).toEqual(snapshot(library.decode(decode(bytes), 5)))
    }
  }
  return taken
}

/** An outcome with each row's text as a string (rows are reused, so copied at once). */
function snapshot(o: DecodeOutcome): unknown {
  if (!o.ok) return o
  return {
    warning: o.warning,
    rows: o.rows.map((row) => ({
      t: row.t,
      fields: [...row.fields],
      values: [...row.values],
      text: Buffer.from(row.text.subarray(row.textStart, row.textEnd)).toString()
    }))
  }
}

describe('maps read in one pass', () => {
  it('give what cbor-x and the walk for numbers give, for random CBOR maps', () => {
    const encoder = new CborEncoder({ useRecords: false, useFloat32: FLOAT32_OPTIONS.DECIMAL_FIT })
    const decoder = new CborX({
      mapsAsObjects: true,
      useRecords: false,
      useFloat32: FLOAT32_OPTIONS.DECIMAL_ROUND
    })
    const taken = check(
      'CBOR',
      (o) => encoder.encode(o),
      (b) => decoder.decode(b),
      readCborMap,
      21
    )
    expect(taken).toBeGreaterThan(1000)
  })

  it('give what msgpackr and the walk for numbers give, for random MessagePack maps', () => {
    const packr = new Packr({ useRecords: false, useFloat32: FLOAT32_OPTIONS.DECIMAL_FIT })
    const unpackr = new Unpackr({
      mapsAsObjects: true,
      useRecords: false,
      int64AsType: 'number',
      useFloat32: FLOAT32_OPTIONS.DECIMAL_ROUND
    })
    const taken = check(
      'MessagePack',
      (o) => packr.pack(o),
      (b) => unpackr.unpack(b),
      readMsgpackMap,
      22
    )
    expect(taken).toBeGreaterThan(1000)
  })

  it('leave arrays, tags, repeated keys and bytes after the map to the library', () => {
    const flat = new FlatMap()
    // {"a": 1}, then the same with a byte after it, then {"a": 1, "a": 2}, then [1]
    expect(readCborMap(Uint8Array.from([0xa1, 0x61, 0x61, 0x01]), flat)).toBe(true)
    expect(readCborMap(Uint8Array.from([0xa1, 0x61, 0x61, 0x01, 0x00]), flat)).toBe(false)
    expect(readCborMap(Uint8Array.from([0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02]), flat)).toBe(
      false
    )
    expect(readCborMap(Uint8Array.from([0x81, 0x01]), flat)).toBe(false)
    // Keys checked once stay trusted only while they stay the same: {"a":1,"b":2} twice,
    // then {"b":1,"b":2}.
    const ab = Uint8Array.from([0xa2, 0x61, 0x61, 0x01, 0x61, 0x62, 0x02])
    expect(readCborMap(ab, flat)).toBe(true)
    expect(readCborMap(ab, flat)).toBe(true)
    expect(readCborMap(Uint8Array.from([0xa2, 0x61, 0x62, 0x01, 0x61, 0x62, 0x02]), flat)).toBe(
      false
    )
    // {"a": 1(0)}: a tagged value
    expect(readCborMap(Uint8Array.from([0xa1, 0x61, 0x61, 0xc1, 0x00]), flat)).toBe(false)
    // A map claiming 4 billion entries in 6 bytes.
    expect(readCborMap(Uint8Array.from([0xba, 0xff, 0xff, 0xff, 0xff, 0x00]), flat)).toBe(false)
    expect(readMsgpackMap(Uint8Array.from([0x81, 0xa1, 0x61, 0x01]), flat)).toBe(true)
    expect(readMsgpackMap(Uint8Array.from([0x81, 0xa1, 0x61, 0x91, 0x01]), flat)).toBe(false)
    expect(readMsgpackMap(Uint8Array.from([0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1]), flat)).toBe(false)
  })
})
