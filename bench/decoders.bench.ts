// Decoding: each format's decoder against the bare library decode loop over the same payloads
// (throughput ratio), and Sparkplug DDATA through the whole ingest path (decode, capture,
// journal, batches) against a bare mqtt.js subscriber that decodes the same payloads.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Decoder as CborX, encode as cborEncode, FLOAT32_OPTIONS } from 'cbor-x'
import { pack, Unpackr } from 'msgpackr'
import protobuf from 'protobufjs'
import { createDecoder, SparkplugState, type Decoder } from '../src/main/core/decode'
import { sparkplugPayloadType } from '../src/main/core/decode/sparkplug/sparkplug-payload'
import { decoderSchema } from '../src/shared/schemas'
import { atLeast, fmt, median, type Bench, type BenchResult } from './bench-lib'

const PAYLOADS = 2000
const TRIALS = 7
/** Each timed pass decodes every payload this many times. */
const ROUNDS = 10

function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A sensor reading with the usual mix: a time, a few numbers, a nested object, text. */
function readings(n: number): object[] {
  const r = random(1)
  return Array.from({ length: n }, (_, i) => ({
    ts: 1700000000 + i,
    temp: Math.round((20 + r() * 5) * 100) / 100,
    pressure: 101000 + Math.floor(r() * 1000),
    alt: Math.round((70 + r() * 10) * 100) / 100,
    sensor: { rh: Math.round((40 + r() * 10) * 10) / 10, battery: Math.round(r() * 100) },
    id: 'esp32-01',
    status: 'ok'
  }))
}

export const SPARKPLUG_METRICS = 20

/** A DBIRTH defining 20 metrics and DDATA payloads carrying all 20 by alias. */
export function sparkplugPayloads(n: number): { birth: Uint8Array; data: Uint8Array[] } {
  const T = sparkplugPayloadType()
  const r = random(2)
  const types = [9, 10, 3, 11] // Float, Double, Int32, Boolean
  const metric = (k: number, withName: boolean, t: number) => {
    const datatype = types[k % types.length]
    const value =
      datatype === 9
        ? { float_value: Math.round(r() * 10000) / 100 }
        : datatype === 10
          ? { double_value: r() * 1000 }
          : datatype === 3
            ? { int_value: Math.floor(r() * 100000) }
            : { boolean_value: r() < 0.5 }
    return {
      ...(withName ? { name: `Line/Metric ${k}` } : {}),
      alias: k + 1,
      timestamp: t,
      datatype,
      ...value
    }
  }
  const t0 = 1700000000000
  const birth = T.encode(
    T.fromObject({
      timestamp: t0,
      seq: 0,
      metrics: Array.from({ length: SPARKPLUG_METRICS }, (_, k) => metric(k, true, t0))
    })
  ).finish()
  const data = Array.from({ length: n }, (_, i) =>
    T.encode(
      T.fromObject({
        timestamp: t0 + i + 1,
        seq: (i + 1) % 256,
        metrics: Array.from({ length: SPARKPLUG_METRICS }, (_, k) => metric(k, false, t0 + i + 1))
      })
    ).finish()
  )
  return { birth, data }
}

interface Pair {
  name: string
  payloads: Uint8Array[]
  bare: (payload: Uint8Array) => unknown
  ours: () => Decoder
}

function pairs(dir: string): Pair[] {
  const cfg = (over: object) => decoderSchema.parse(over)
  const objects = readings(PAYLOADS)
  const cbor = new CborX({
    mapsAsObjects: true,
    useRecords: false,
    useFloat32: FLOAT32_OPTIONS.DECIMAL_ROUND
  })
  const unpackr = new Unpackr({
    mapsAsObjects: true,
    useRecords: false,
    int64AsType: 'number',
    useFloat32: FLOAT32_OPTIONS.DECIMAL_ROUND
  })
  const proto = path.join(dir, 'reading.proto')
  fs.writeFileSync(
    proto,
    'syntax = "proto3";\nmessage Reading { int64 ts = 1; double temp = 2; uint32 pressure = 3; float alt = 4; Sensor sensor = 5; string id = 6; string status = 7; }\nmessage Sensor { float rh = 1; uint32 battery = 2; }\n'
  )
  const Reading = protobuf.loadSync(proto).lookupType('Reading')
  const sp = sparkplugPayloads(PAYLOADS)
  const Sp = sparkplugPayloadType()
  return [
    {
      name: 'Sparkplug DDATA, 20 metrics',
      payloads: sp.data,
      bare: (p) => Sp.decode(p),
      ours: () => {
        const state = new SparkplugState()
        createDecoder(cfg({}), { topic: 'spBv1.0/G/DBIRTH/E/D', sparkplug: state }).decode(
          sp.birth,
          0
        )
        return createDecoder(cfg({}), { topic: 'spBv1.0/G/DDATA/E/D', sparkplug: state })
      }
    },
    {
      name: 'CBOR',
      payloads: objects.map((o) => cborEncode(o)),
      bare: (p) => cbor.decode(p),
      ours: () => createDecoder(cfg({ format: 'cbor' }))
    },
    {
      name: 'MessagePack',
      payloads: objects.map((o) => pack(o)),
      bare: (p) => unpackr.unpack(p),
      ours: () => createDecoder(cfg({ format: 'msgpack' }))
    },
    {
      name: 'protobuf',
      payloads: objects.map((o) => Reading.encode(Reading.fromObject(o)).finish()),
      bare: (p) => Reading.decode(p),
      ours: () => createDecoder(cfg({ format: 'protobuf', protoFile: proto, protoType: 'Reading' }))
    }
  ]
}

/** Messages per second through `decode` over every payload, ROUNDS times. */
function rate(payloads: Uint8Array[], decode: (p: Uint8Array) => unknown): number {
  let sink = 0
  const start = performance.now()
  for (let round = 0; round < ROUNDS; round++)
    for (let i = 0; i < payloads.length; i++) if (decode(payloads[i])) sink++
  const ms = performance.now() - start
  if (sink < 0) console.log(sink)
  return (payloads.length * ROUNDS) / (ms / 1000)
}

function decodeRates(): BenchResult[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-decoders-'))
  try {
    return pairs(dir).map((pair) => {
      const decoder = pair.ours()
      const ours = (p: Uint8Array) => decoder.decode(p, 0).ok
      // Warm both up so neither is measured while the JIT is still compiling it.
      rate(pair.payloads, pair.bare)
      rate(pair.payloads, ours)
      const bare: number[] = []
      const mine: number[] = []
      for (let t = 0; t < TRIALS; t++) {
        bare.push(rate(pair.payloads, pair.bare))
        mine.push(rate(pair.payloads, ours))
      }
      const b = median(bare)
      const o = median(mine)
      return {
        name: `Decode ${pair.name} (msg/s)`,
        ours: fmt(o),
        reference: `${fmt(b)} (bare library decode)`,
        ...atLeast(o / b, 0.8),
        note: `${PAYLOADS} distinct payloads x ${ROUNDS}, median of ${TRIALS} alternating trials; ours = the app's decoder (checks, fields, rows with their text)`
      }
    })
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const bench: Bench = {
  title: 'Binary decoders',
  async run(): Promise<BenchResult[]> {
    return decodeRates()
  }
}

export default bench
