import type { DecoderConfig } from '../../../shared/schemas'
import { CborDecoder } from './cbor-decoder'
import { CsvDecoder } from './csv-decoder'
import { JsonDecoder } from './json-decoder'
import { MsgpackDecoder } from './msgpack-decoder'
import { NumberDecoder, RawDecoder } from './number-decoder'
import { parseDecimal } from './number-text'
import { ProtobufDecoder } from './protobuf-decoder'
import { SparkplugDecoder } from './sparkplug/sparkplug-decoder'
import { SparkplugState } from './sparkplug/sparkplug-state'
import { isSparkplugTopic } from './sparkplug/sparkplug-topic'
import { StructDecoder } from './struct-decoder'
import type { DecodeOutcome, Decoder } from './types'
import { tooLarge } from './types'

export type { DecodedRow, DecodeOutcome, Decoder } from './types'
export { SparkplugState } from './sparkplug/sparkplug-state'

/** Where a decoder runs: the topic it decodes, and its connection's Sparkplug state. */
export interface DecoderContext {
  topic?: string
  sparkplug?: SparkplugState
  /** A decoder shared by every topic of the rule for a format, when one can be. */
  shared?: (format: string) => Decoder | undefined
}

export function createDecoder(config: DecoderConfig, context: DecoderContext = {}): Decoder {
  switch (config.format) {
    case 'csv':
      return new CsvDecoder(config.csvColumns, config.csvSeparator, config.timestamp)
    case 'json':
      return new JsonDecoder(config.jsonPaths, config.timestamp)
    case 'number':
      return new NumberDecoder(config.numberField)
    case 'raw':
      return new RawDecoder()
    case 'cbor':
      return new CborDecoder(config.jsonPaths, config.timestamp)
    case 'msgpack':
      return new MsgpackDecoder(config.jsonPaths, config.timestamp)
    case 'protobuf':
      return new ProtobufDecoder(
        config.protoFile,
        config.protoType,
        config.jsonPaths,
        config.timestamp
      )
    case 'struct':
      return new StructDecoder(config.structLayout, config.structFields, config.timestamp)
    case 'sparkplug':
      return new SparkplugDecoder(context.topic ?? '', context.sparkplug ?? new SparkplugState())
    case 'auto':
      // The Sparkplug namespace says what its payloads are: no need to guess.
      if (context.topic !== undefined && isSparkplugTopic(context.topic))
        return createDecoder({ ...config, format: 'sparkplug' }, context)
      return new AutoDecoder(config, context.shared)
  }
}
/** Which format a payload looks like, or null when it looks like none (garbage). */
export function detectFormat(
  payload: Uint8Array,
  separator = ','
): 'csv' | 'json' | 'number' | null {
  if (tooLarge(payload)) return null
  let start = 0
  while (start < payload.byteLength && payload[start] <= 32) start++
  if (start === payload.byteLength) return null
  const first = payload[start]
  if (first === 123 /* { */ || first === 91 /* [ */) return 'json'
  if (!Number.isNaN(parseDecimal(payload, 0, payload.byteLength))) return 'number'
  const sep = separator.charCodeAt(0)
  let from = 0
  let parts = 0
  for (let i = 0; i <= payload.byteLength; i++) {
    if (i !== payload.byteLength && payload[i] !== sep) continue
    if (Number.isNaN(parseDecimal(payload, from, i))) return null
    parts++
    from = i + 1
  }
  return parts > 1 ? 'csv' : null
}

/**
 * Picks the format from the first payload that looks like one, then sticks to it, so a
 * topic's series stay stable. Garbage before that is counted like any bad payload.
 */
export class AutoDecoder implements Decoder {
  private inner: Decoder | null = null

  constructor(
    private readonly config: DecoderConfig,
    private readonly shared?: (format: string) => Decoder | undefined
  ) {}

  get format(): string {
    return this.inner?.format ?? 'auto'
  }

  /** The decoder of the format told apart, once it is. */
  get settled(): Decoder | null {
    return this.inner
  }

  decode(payload: Uint8Array, receivedAt: number): DecodeOutcome {
    if (!this.inner) {
      const format = detectFormat(payload, this.config.csvSeparator)
      if (!format) {
        const large = tooLarge(payload)
        return { ok: false, error: large ?? 'payload is not CSV, JSON or a number' }
      }
      this.inner = this.shared?.(format) ?? createDecoder({ ...this.config, format })
    }
    return this.inner.decode(payload, receivedAt)
  }
}
