// Binary payloads made by encoders that are not ours (Python's struct, cbor2, msgpack and
// protobuf), published through a real Mosquitto into the real core: what is captured, and what
// the CSV export writes, equal what went into the encoders.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import mqtt from 'mqtt'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  protocForPython,
  pythonEncodersAvailable,
  runPython
} from '../../../../test-support/python-encoders'
import { coreHarnessForSuite, describeWithMosquitto } from '../../../../test-support/vitest-suites'
import { decoderSchema } from '../../../shared/schemas'

const python = pythonEncodersAvailable()

const PROTO = `syntax = "proto3";
package sensors.v1;
message Reading {
  double temperature = 1;
  float humidity = 2;
  int64 count = 3;
  repeated sint32 samples = 4;
  Inner inner = 5;
  string label = 6;
}
message Inner { uint32 raw = 1; bool ok = 2; }
`

// Each format's inputs, and the payloads Python makes from them (hex).
const SCRIPT = `
import json, struct, cbor2, msgpack
import reading_pb2
out = {}
fff = [(22.31, 1013.25, 76.12), (-3.1, 998.0, 210.4), (0.05, 1100.5, -12.75)]
out['fff'] = {'inputs': fff, 'payloads': [struct.pack('<fff', *v).hex() for v in fff]}
mixed = [(-300, 65000, -70000, 255, True, 2.5), (32767, 0, 2147483647, 0, False, -1e-3)]
out['mixed'] = {'inputs': mixed, 'payloads': [struct.pack('>hHiB?d', *v).hex() for v in mixed]}
readings = [{'ts': 1700000000 + i, 'temp': 20.25 + i / 8, 'pressure': 101325 - i * 7,
             'sensor': {'rh': 45.5 + i, 'ok': i % 2 == 0}, 'id': 'esp32-01', 'raw': 2 ** 40 + i}
            for i in range(4)]
out['cbor'] = {'inputs': readings, 'payloads': [cbor2.dumps(r).hex() for r in readings]}
out['cbor_array'] = {'inputs': readings, 'payloads': [cbor2.dumps(readings).hex()]}
out['msgpack'] = {'inputs': readings, 'payloads': [msgpack.packb(r).hex() for r in readings]}
protos = []
for i in range(3):
    r = reading_pb2.Reading(temperature=21.125 + i, humidity=40.25 + i, count=9007199254740000 + i,
                            samples=[i, -i, 100 * i], label='x')
    r.inner.raw = 4000000000 + i
    r.inner.ok = True
    protos.append(r)
out['protobuf'] = {
    'inputs': [{'temperature': r.temperature, 'humidity': 40.25 + i, 'count': r.count,
                'samples': list(r.samples), 'raw': r.inner.raw} for i, r in enumerate(protos)],
    'payloads': [r.SerializeToString().hex() for r in protos]}
print(json.dumps(out))
`

interface Made<T> {
  inputs: T[]
  payloads: string[]
}
interface Reading {
  ts: number
  temp: number
  pressure: number
  sensor: { rh: number; ok: boolean }
  raw: number
}

describeWithMosquitto(
  'payloads from Python encoders, through Mosquitto',
  { anonymous: true, password: false, skip: python.ok ? '' : python.reason },
  (broker) => {
    const app = coreHarnessForSuite()
    let publisher: mqtt.MqttClient
    let dir: string
    let made: {
      fff: Made<number[]>
      mixed: Made<(number | boolean)[]>
      cbor: Made<Reading>
      cbor_array: Made<Reading>
      msgpack: Made<Reading>
      protobuf: Made<{
        temperature: number
        humidity: number
        count: number
        samples: number[]
        raw: number
      }>
    }

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'py-encoders-'))
      fs.writeFileSync(path.join(dir, 'reading.proto'), PROTO)
      protocForPython(dir, path.join(dir, 'reading.proto'), dir)
      made = JSON.parse(runPython(SCRIPT, dir))
      const decoder = (over: object) => decoderSchema.parse(over)
      await app.connect(
        {
          id: 'py',
          name: 'py',
          host: '127.0.0.1',
          port: broker.ports.anonymous!,
          topics: [
            {
              filter: 'py/fff',
              qos: 1,
              decoder: decoder({
                format: 'struct',
                structLayout: '<fff',
                structFields: ['temperature', 'pressure', 'altitude'],
                units: { temperature: '°C', pressure: 'hPa', altitude: 'm' }
              })
            },
            {
              filter: 'py/mixed',
              qos: 1,
              decoder: decoder({
                format: 'struct',
                structLayout: '>hHiB?d',
                structFields: ['h', 'H', 'i', 'B', 'flag', 'd']
              })
            },
            { filter: 'py/cbor', qos: 1, decoder: decoder({ format: 'cbor' }) },
            { filter: 'py/cbor-array', qos: 1, decoder: decoder({ format: 'cbor' }) },
            {
              filter: 'py/msgpack',
              qos: 1,
              decoder: decoder({ format: 'msgpack', jsonPaths: ['temp', 'sensor.rh'] })
            },
            {
              filter: 'py/protobuf',
              qos: 1,
              decoder: decoder({
                format: 'protobuf',
                protoFile: path.join(dir, 'reading.proto'),
                protoType: 'sensors.v1.Reading'
              })
            }
          ]
        } as never,
        { broker }
      )
      publisher = await mqtt.connectAsync(broker.url('anonymous'), { clientId: 'py-publisher' })
    })
    afterAll(async () => {
      await publisher?.endAsync()
      if (dir) fs.rmSync(dir, { recursive: true, force: true })
    })

    async function publish(topic: string, payloads: string[]): Promise<void> {
      for (const hex of payloads)
        await publisher.publishAsync(topic, Buffer.from(hex, 'hex'), { qos: 1 })
    }

    /** The exported CSV of one topic: header and the cells after time, epoch_ms and topic. */
    async function exported(
      topic: string
    ): Promise<{ header: string[]; rows: string[][]; epochs: number[] }> {
      const exportId = `x-${topic.replace(/\W/g, '-')}`
      const result = await app.invoke('export:start', { exportId, topics: [topic] })
      expect(result).toMatchObject({ status: 'done' })
      const lines = fs
        .readFileSync(path.join(app.dataDir, 'exports', `${exportId}.csv`), 'utf8')
        .replace(/^\ufeff/, '')
        .trimEnd()
        .split('\r\n')
      const split = lines.map((l) => l.split(','))
      return {
        header: split[0].slice(3),
        rows: split.slice(1).map((cells) => cells.slice(3)),
        epochs: split.slice(1).map((cells) => Number(cells[1]))
      }
    }

    it('struct.pack("<fff"): the floats as written, with names and units', async () => {
      await publish('py/fff', made.fff.payloads)
      const n = made.fff.inputs.length
      expect(await app.waitForCount('py/fff', 'temperature', n)).toEqual(
        made.fff.inputs.map((v) => v[0])
      )
      expect(await app.values('py/fff', 'pressure')).toEqual(made.fff.inputs.map((v) => v[1]))
      expect(await app.values('py/fff', 'altitude')).toEqual(made.fff.inputs.map((v) => v[2]))
      const csv = await exported('py/fff')
      expect(csv.header).toEqual(['temperature (°C)', 'pressure (hPa)', 'altitude (m)'])
      expect(csv.rows).toEqual(made.fff.inputs.map((v) => v.map(String)))
    })

    it('struct.pack(">hHiB?d"): big-endian integers of each width, a boolean and a double', async () => {
      await publish('py/mixed', made.mixed.payloads)
      await app.waitForCount('py/mixed', 'd', made.mixed.inputs.length)
      const names = ['h', 'H', 'i', 'B', 'flag', 'd']
      for (const [k, name] of names.entries())
        expect(await app.values('py/mixed', name)).toEqual(
          made.mixed.inputs.map((v) => Number(v[k]))
        )
      const csv = await exported('py/mixed')
      expect(csv.rows).toEqual(made.mixed.inputs.map((v) => v.map((x) => String(Number(x)))))
    })

    for (const [format, topic, key] of [
      ['cbor2.dumps', 'py/cbor', 'cbor'],
      ['cbor2.dumps of a list', 'py/cbor-array', 'cbor_array']
    ] as const) {
      it(`${format}: every numeric field by dot path, ts as the time`, async () => {
        await publish(topic, made[key].payloads)
        const inputs = made[key].inputs
        expect(await app.waitForCount(topic, 'temp', inputs.length)).toEqual(
          inputs.map((r) => r.temp)
        )
        expect(await app.values(topic, 'pressure')).toEqual(inputs.map((r) => r.pressure))
        expect(await app.values(topic, 'sensor.rh')).toEqual(inputs.map((r) => r.sensor.rh))
        expect(await app.values(topic, 'sensor.ok')).toEqual(
          inputs.map((r) => (r.sensor.ok ? 1 : 0))
        )
        expect(await app.values(topic, 'raw')).toEqual(inputs.map((r) => r.raw))
        const csv = await exported(topic)
        expect(csv.header).toEqual(['temp', 'pressure', 'sensor.rh', 'sensor.ok', 'raw'])
        expect(csv.epochs).toEqual(inputs.map((r) => r.ts * 1000))
        expect(csv.rows).toEqual(
          inputs.map((r) =>
            [r.temp, r.pressure, r.sensor.rh, r.sensor.ok ? 1 : 0, r.raw].map(String)
          )
        )
      })
    }

    it('msgpack.packb: the chosen dot paths only', async () => {
      await publish('py/msgpack', made.msgpack.payloads)
      const inputs = made.msgpack.inputs
      expect(await app.waitForCount('py/msgpack', 'temp', inputs.length)).toEqual(
        inputs.map((r) => r.temp)
      )
      expect(await app.values('py/msgpack', 'sensor.rh')).toEqual(inputs.map((r) => r.sensor.rh))
      expect(await app.values('py/msgpack', 'pressure')).toEqual([])
      const csv = await exported('py/msgpack')
      expect(csv.header).toEqual(['temp', 'sensor.rh'])
      expect(csv.epochs).toEqual(inputs.map((r) => r.ts * 1000))
      expect(csv.rows).toEqual(inputs.map((r) => [String(r.temp), String(r.sensor.rh)]))
    })

    it('protobuf SerializeToString with the user\u2019s .proto: nested and repeated fields', async () => {
      await publish('py/protobuf', made.protobuf.payloads)
      const inputs = made.protobuf.inputs
      expect(await app.waitForCount('py/protobuf', 'temperature', inputs.length)).toEqual(
        inputs.map((r) => r.temperature)
      )
      expect(await app.values('py/protobuf', 'humidity')).toEqual(inputs.map((r) => r.humidity))
      expect(await app.values('py/protobuf', 'count')).toEqual(inputs.map((r) => r.count))
      expect(await app.values('py/protobuf', 'samples.2')).toEqual(inputs.map((r) => r.samples[2]))
      expect(await app.values('py/protobuf', 'inner.raw')).toEqual(inputs.map((r) => r.raw))
      const csv = await exported('py/protobuf')
      expect(csv.header).toEqual([
        'temperature',
        'humidity',
        'count',
        'inner.raw',
        'inner.ok',
        'samples.0',
        'samples.1',
        'samples.2'
      ])
      expect(csv.rows).toEqual(
        inputs.map((r) => [r.temperature, r.humidity, r.count, r.raw, 1, ...r.samples].map(String))
      )
    })

    it('counts bad payloads on their topic with the reason, and keeps decoding the good ones', async () => {
      await publish('py/fff', ['0000a041']) // 4 bytes for a 12-byte layout
      await publish('py/protobuf', ['09000000']) // a double cut short after 3 of its 8 bytes
      await publish('py/cbor', ['5affffffff00']) // a 4 GB byte string
      const stat = async (topic: string) =>
        (await app.invoke('capture:snapshot', {})).topics.find((t) => t.topic === topic)
      for (const [topic, error] of [
        ['py/fff', 'payload is 4 bytes but layout <fff needs 12 bytes'],
        [
          'py/protobuf',
          'truncated protobuf: a field of Reading runs past the end of the payload (4 bytes)'
        ],
        [
          'py/cbor',
          'CBOR declares a 4.0 GB byte string but the payload has 1 byte left: refused unread'
        ]
      ] as const) {
        await expect
          .poll(async () => (await stat(topic))?.lastError, { timeout: 10_000 })
          .toBe(error)
        expect((await stat(topic))?.errors).toBe(1)
      }
      const check = await app.invoke('decoder:check-proto', {
        file: path.join(dir, 'reading.proto')
      })
      expect(check).toEqual({ ok: true, types: ['sensors.v1.Reading', 'sensors.v1.Inner'] })
      expect(
        await app.invoke('decoder:check-proto', { file: path.join(dir, 'none.proto') })
      ).toEqual({
        ok: false,
        message: `There is no file ${path.join(dir, 'none.proto')}.`
      })
    })
  }
)
