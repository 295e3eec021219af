// Decoding: each format's decoder against the bare library decode loop over the same payloads
// (throughput ratio), and Sparkplug DDATA through the whole ingest path (decode, capture,
// journal, batches) against a bare mqtt.js subscriber that decodes the same payloads.
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Decoder as CborX, encode as cborEncode, FLOAT32_OPTIONS } from 'cbor-x'
import { pack, Unpackr } from 'msgpackr'
import protobuf from 'protobufjs'
import { createDecoder, SparkplugState, type Decoder } from '../src/main/core/decode'
import { sparkplugPayloadType } from '../src/main/core/decode/sparkplug/sparkplug-payload'
import { decoderSchema } from '../src/shared/schemas'
import { mosquittoAvailable, startMosquitto } from '../test-support/mosquitto'
import { atLeast, fmt, median, type Bench, type BenchResult } from './bench-lib'

const here = path.dirname(fileURLToPath(import.meta.url))

const PAYLOADS = 2000
/** Short alternating passes; the best of each side counts (a busy machine only slows one down). */
const TRIALS = 21
/** Each timed pass decodes every payload this many times. */
const ROUNDS = 3

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

export function decodeRates(): BenchResult[] {
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
      const b = Math.max(...bare)
      const o = Math.max(...mine)
      return {
        name: `Decode ${pair.name} (msg/s)`,
        ours: fmt(o),
        reference: `${fmt(b)} (bare library decode)`,
        ...atLeast(o / b, 0.8),
        note: `${PAYLOADS} distinct payloads x ${ROUNDS} per pass, best of ${TRIALS} alternating passes (medians ours ${fmt(median(mine))}, bare ${fmt(median(bare))}); ours = the app's decoder (checks, field names and values; a row's values text is written when the journal reads it, which the ingest line below includes)`
      }
    })
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** DDATA messages per ingest trial; a multiple of 256 keeps seq continuous as payloads repeat. */
const INGEST_MESSAGES = 100_352
const INGEST_PAYLOADS = 2048
const INGEST_TRIALS = 5

/** An MQTT packet: type byte, remaining length, body. */
export function packet(type: number, body: Buffer): Buffer {
  const length: number[] = []
  let n = body.length
  do {
    let byte = n % 128
    n = Math.floor(n / 128)
    if (n > 0) byte |= 128
    length.push(byte)
  } while (n > 0)
  return Buffer.concat([Buffer.from([type, ...length]), body])
}

export function str(text: string): Buffer {
  const b = Buffer.from(text)
  const len = Buffer.alloc(2)
  len.writeUInt16BE(b.length)
  return Buffer.concat([len, b])
}

/**
 * Publishes pre-encoded QoS 0 PUBLISH packets as fast as a socket takes them (what
 * mosquitto_pub -l does for text lines; binary payloads need their own packets).
 */
export async function blast(port: number, packets: Buffer): Promise<void> {
  const socket = net.connect(port, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.once('connect', () => resolve())
  })
  const connect = packet(
    0x10,
    Buffer.concat([str('MQTT'), Buffer.from([4, 0x02, 0, 60]), str(`bench-blast-${process.pid}`)])
  )
  socket.write(connect)
  await new Promise<void>((resolve) => socket.once('data', () => resolve())) // CONNACK
  for (let at = 0; at < packets.length; at += 1 << 20) {
    if (!socket.write(packets.subarray(at, at + (1 << 20))))
      await new Promise<void>((resolve) => socket.once('drain', () => resolve()))
  }
  socket.write(Buffer.from([0xe0, 0])) // DISCONNECT
  socket.end()
}

function runWorker(args: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'workers', 'sparkplug-ingest-worker.ts'), ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  )
  const lines: string[] = []
  const waiters: ((line: string) => void)[] = []
  let out = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
    let nl
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl)
      out = out.slice(nl + 1)
      const w = waiters.shift()
      if (w) w(line)
      else lines.push(line)
    }
  })
  const next = (timeoutMs: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const l = lines.shift()
      if (l !== undefined) return resolve(l)
      const timer = setTimeout(
        () => reject(new Error(`${args[0]} worker gave no answer in ${timeoutMs} ms`)),
        timeoutMs
      )
      waiters.push((line) => {
        clearTimeout(timer)
        resolve(line)
      })
    })
  return { child, next }
}

async function ingestRates(): Promise<{ bare: number[]; ours: number[] }> {
  // Room for a whole trial in a slow subscriber's queue: Mosquitto drops messages beyond it.
  const broker = await startMosquitto({
    anonymous: true,
    password: false,
    quiet: true,
    maxQueuedMessages: INGEST_MESSAGES * 2
  })
  const { birth, data } = sparkplugPayloads(INGEST_PAYLOADS)
  const rates = { bare: [] as number[], ours: [] as number[] }
  try {
    for (let trial = 0; trial < INGEST_TRIALS; trial++) {
      for (const mode of ['bare', 'ours'] as const) {
        const group = `Bench${mode}${trial}`
        const publish = (topic: string, payload: Uint8Array) =>
          packet(0x30, Buffer.concat([str(topic), payload]))
        const dataTopic = `spBv1.0/${group}/DDATA/Edge/Device`
        const packets = Buffer.concat([
          publish(`spBv1.0/${group}/DBIRTH/Edge/Device`, birth),
          ...Array.from({ length: INGEST_MESSAGES }, (_, i) =>
            publish(dataTopic, data[i % data.length])
          )
        ])
        const worker = runWorker([
          mode,
          String(broker.ports.anonymous),
          String(INGEST_MESSAGES),
          group
        ])
        if ((await worker.next(30_000)) !== 'ready')
          throw new Error(`${mode} worker did not get ready`)
        const start = Date.now()
        await blast(broker.ports.anonymous!, packets)
        const { lastAt } = JSON.parse(await worker.next(180_000)) as { lastAt: number }
        rates[mode].push(INGEST_MESSAGES / ((lastAt - start) / 1000))
        worker.child.kill()
      }
    }
  } finally {
    await broker.close()
  }
  return rates
}

const bench: Bench = {
  title: 'Binary decoders',
  async run(): Promise<BenchResult[]> {
    const results = decodeRates()
    const mos = mosquittoAvailable()
    if (!mos.ok) {
      console.warn(`*** Sparkplug ingest benchmark skipped: ${mos.reason} ***`)
      return results
    }
    const rates = await ingestRates()
    const bare = median(rates.bare)
    const ours = median(rates.ours)
    results.push({
      name: `Ingest ${fmt(INGEST_MESSAGES)} Sparkplug DDATA msgs of ${SPARKPLUG_METRICS} metrics, QoS 0 (msg/s)`,
      ours: fmt(ours),
      reference: `${fmt(bare)} (bare mqtt.js + protobufjs decode)`,
      ...atLeast(ours / bare, 0.8),
      note: `ours = the whole path (Sparkplug decode and state, capture, journal, batches encoded as for the WebSocket); medians of ${INGEST_TRIALS} trials; trials bare ${rates.bare.map((r) => fmt(r)).join(' / ')}; ours ${rates.ours.map((r) => fmt(r)).join(' / ')}`
    })
    return results
  }
}

export default bench
