// The direct reader of Sparkplug data messages against protobufjs on the same bytes: whenever
// the reader accepts a payload, every metric's name, alias, timestamp, null flag and charted
// value (for every numeric data type) equal what protobufjs and chartValue() make of it;
// whenever protobufjs refuses a payload, so does the reader.
import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import {
  aliasOf,
  sparkplugPayloadType,
  timestampOf,
  type SpPayload
} from '../sparkplug/sparkplug-payload'
import { chartOf, chartValue } from '../sparkplug/sparkplug-values'
import { SparkplugWire } from '../sparkplug/sparkplug-wire'
import { longToNumber } from '../protobuf-long'

const T = sparkplugPayloadType()

function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A metric's fields written one by one, with repeats, several values and odd encodings. */
function metricBytes(r: () => number): Uint8Array {
  const w = protobuf.Writer.create()
  const fields = 1 + Math.floor(r() * 6)
  const big = () =>
    r() < 0.5 ? Math.floor(r() * 1000) : Math.floor(r() * 2 ** 53) * (r() < 0.2 ? 4096 : 1)
  for (let k = 0; k < fields; k++) {
    const pick = Math.floor(r() * 15)
    switch (pick) {
      case 0:
        w.uint32((1 << 3) | 2).string(r() < 0.3 ? '' : `m${Math.floor(r() * 5)}`)
        break
      case 1:
        w.uint32((2 << 3) | 0).uint64(big())
        break
      case 2:
        w.uint32((3 << 3) | 0).uint64(big())
        break
      case 3:
        w.uint32((4 << 3) | 0).uint32(Math.floor(r() * 14))
        break
      case 4:
        w.uint32((7 << 3) | 0).bool(r() < 0.3)
        break
      case 5:
        w.uint32((10 << 3) | 0).uint32(Math.floor(r() * 2 ** 32))
        break
      case 6:
        w.uint32((10 << 3) | 0).int32(-Math.floor(r() * 1000)) // ten bytes on the wire
        break
      case 7:
        w.uint32((11 << 3) | 0).uint64(big())
        break
      case 8:
        w.uint32((11 << 3) | 0).int64(-big())
        break
      case 9:
        w.uint32((12 << 3) | 5).float((r() - 0.5) * 10 ** Math.floor(r() * 8))
        break
      case 10:
        w.uint32((13 << 3) | 1).double((r() - 0.5) * 10 ** Math.floor(r() * 12))
        break
      case 11:
        // A boolean whose only set bit is in the tenth byte is still true.
        if (r() < 0.2) w.uint32((14 << 3) | 0).int64(-(2 ** 63))
        else w.uint32((14 << 3) | 0).uint32(r() < 0.5 ? 0 : Math.floor(r() * 300))
        break
      case 12:
        w.uint32((5 << 3) | 0).bool(true)
        break
      case 13:
        // Not read directly: text, or a value under the wrong wire type.
        if (r() < 0.5) w.uint32((15 << 3) | 2).string('text')
        else w.uint32((12 << 3) | 0).uint32(5)
        break
      default:
        w.uint32((4 << 3) | 0).uint32(r() < 0.5 ? 0 : 1 + Math.floor(r() * 11))
    }
  }
  return w.finish()
}

function payloadBytes(r: () => number): Uint8Array {
  const w = protobuf.Writer.create()
  if (r() < 0.8) w.uint32((1 << 3) | 0).uint64(1700000000000 + Math.floor(r() * 1e6))
  const metrics = Math.floor(r() * 25)
  for (let i = 0; i < metrics; i++) w.uint32((2 << 3) | 2).bytes(metricBytes(r))
  if (r() < 0.8) w.uint32((3 << 3) | 0).uint64(Math.floor(r() * 256))
  return w.finish()
}

function mutate(bytes: Uint8Array, r: () => number): Uint8Array {
  const out = Uint8Array.from(bytes)
  if (out.length === 0) return out
  const choice = r()
  if (choice < 0.4) return out.subarray(0, Math.floor(r() * out.length))
  const flips = 1 + Math.floor(r() * 3)
  for (let i = 0; i < flips; i++) out[Math.floor(r() * out.length)] = Math.floor(r() * 256)
  return out
}

/** Compares the reader's view of `bytes` with protobufjs's; returns whether the reader took it. */
function compare(wire: SparkplugWire, bytes: Uint8Array): boolean {
  let p: SpPayload | null
  try {
    p = T.decode(bytes) as unknown as SpPayload
  } catch {
    p = null
  }
  const read = wire.read(bytes)
  if (!p) {
    expect(read).toBe(false)
    return false
  }
  if (!read) return false
  const has = (o: object, k: string) => Object.hasOwn(o, k)
  expect(wire.timestamp).toEqual(has(p, 'timestamp') ? longToNumber(p.timestamp, false) : NaN)
  expect(wire.seq).toEqual(has(p, 'seq') ? longToNumber(p.seq, false) : NaN)
  expect(wire.count).toBe(p.metrics.length)
  p.metrics.forEach((m, i) => {
    expect(wire.name[i]).toBe(has(m, 'name') ? m.name : undefined)
    expect(wire.alias[i]).toEqual(aliasOf(m) ?? NaN)
    expect(wire.metricTimestamp[i]).toEqual(timestampOf(m) ?? NaN)
    expect(wire.datatype[i]).toBe(m.datatype ?? 0)
    expect(wire.isNull[i]).toBe(m.is_null === true)
    for (let datatype = 0; datatype <= 11; datatype++) {
      const direct = wire.isNull[i]
        ? NaN
        : chartOf(
            datatype,
            wire.kind[i],
            wire.int[i],
            wire.longUnsigned[i],
            wire.longSigned[i],
            wire.num[i]
          )
      expect(direct).toEqual(chartValue(m, datatype))
    }
  })
  return true
}

describe('Sparkplug data messages read directly', () => {
  it('agree with protobufjs on 3,000 random payloads of every value field and encoding', () => {
    const r = random(7)
    const wire = new SparkplugWire()
    let taken = 0
    for (let i = 0; i < 3000; i++) if (compare(wire, payloadBytes(r))) taken++
    // Most are the usual shape; the rest (text values, wrong wire types) go to protobufjs.
    expect(taken).toBeGreaterThan(300)
  })

  it('refuse (and leave to protobufjs) every truncated or corrupted payload protobufjs refuses', () => {
    const r = random(8)
    const wire = new SparkplugWire()
    let refusedByBoth = 0
    for (let i = 0; i < 3000; i++) {
      const bytes = mutate(payloadBytes(r), r)
      let ok = true
      try {
        T.decode(bytes)
      } catch {
        ok = false
      }
      compare(wire, bytes)
      if (!ok) refusedByBoth++
    }
    expect(refusedByBoth).toBeGreaterThan(100)
  })

  it('leaves text, bytes, DataSets, properties and unknown fields to protobufjs', () => {
    const wire = new SparkplugWire()
    const encode = (o: object) => T.encode(T.fromObject(o)).finish()
    const plain = { alias: 1, datatype: 9, float_value: 1.5 }
    expect(wire.read(encode({ seq: 1, metrics: [plain] }))).toBe(true)
    for (const odd of [
      { alias: 1, datatype: 12, string_value: 'on' },
      { alias: 1, datatype: 17, bytes_value: [1, 2] },
      { alias: 1, datatype: 16, dataset_value: { num_of_columns: 1, columns: ['a'], types: [3] } },
      { alias: 1, datatype: 9, float_value: 1, properties: { keys: ['unit'], values: [{}] } }
    ])
      expect(wire.read(encode({ seq: 1, metrics: [plain, odd] }))).toBe(false)
    expect(wire.read(encode({ seq: 1, uuid: 'x', metrics: [plain] }))).toBe(false)
    // An unknown payload field (number 9, varint).
    expect(wire.read(Uint8Array.from([...encode({ seq: 1 }), 0x48, 1]))).toBe(false)
  })
})
