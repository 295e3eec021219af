// Sparkplug B payloads encoded by protobufjs from the specification's .proto, and a
// connection's worth of decoding with a clock, for the Sparkplug tests.
import { createDecoder, SparkplugState, type DecodeOutcome } from '..'
import { sparkplugPayloadType } from '../sparkplug/sparkplug-payload'
import { config, NOW } from './decode-test-helpers'

const T = sparkplugPayloadType()
export const encode = (payload: object): Uint8Array => T.encode(T.fromObject(payload)).finish()

/** A connection's worth of Sparkplug decoding with a clock and a record of what it published. */
export function connection(publish = true) {
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

export const NBIRTH = {
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
export const DBIRTH = {
  timestamp: 1100,
  seq: 1,
  metrics: [
    { name: 'Temperature', alias: 10, datatype: 10, double_value: 21.5 },
    { name: 'Running', alias: 11, datatype: 11, boolean_value: true }
  ]
}
