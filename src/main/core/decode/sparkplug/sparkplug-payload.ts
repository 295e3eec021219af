// The Sparkplug B payload as protobufjs reads it, and the metric values it holds.
import protobuf from 'protobufjs'
import { longToNumber } from '../protobuf-long'
import { SPARKPLUG_B_PROTO } from './sparkplug-b-proto'

/** Field names as in the .proto (snake_case): keepCase. */
export interface SpMetric {
  name?: string
  alias?: unknown
  timestamp?: unknown
  datatype?: number
  is_historical?: boolean
  is_transient?: boolean
  is_null?: boolean
  properties?: SpPropertySet
  int_value?: number
  long_value?: unknown
  float_value?: number
  double_value?: number
  boolean_value?: boolean
  string_value?: string
  bytes_value?: Uint8Array
  dataset_value?: SpDataSet
  template_value?: SpTemplate
  extension_value?: unknown
}

export interface SpPropertyValue {
  type?: number
  is_null?: boolean
  int_value?: number
  long_value?: unknown
  float_value?: number
  double_value?: number
  boolean_value?: boolean
  string_value?: string
}

export interface SpPropertySet {
  keys: string[]
  values: SpPropertyValue[]
}

export interface SpDataSetValue {
  int_value?: number
  long_value?: unknown
  float_value?: number
  double_value?: number
  boolean_value?: boolean
  string_value?: string
}

export interface SpDataSet {
  num_of_columns?: unknown
  columns: string[]
  types: number[]
  rows: { elements: SpDataSetValue[] }[]
}

export interface SpTemplate {
  version?: string
  metrics: SpMetric[]
  parameters: ({ name?: string; type?: number } & SpDataSetValue)[]
  template_ref?: string
  is_definition?: boolean
}

export interface SpPayload {
  timestamp?: unknown
  metrics: SpMetric[]
  seq?: unknown
  uuid?: string
  body?: Uint8Array
}

let payloadType: protobuf.Type | null = null

/** The Payload message type, parsed from the specification's .proto on first use. */
export function sparkplugPayloadType(): protobuf.Type {
  payloadType ??= protobuf
    .parse(SPARKPLUG_B_PROTO, { keepCase: true })
    .root.lookupType('org.eclipse.tahu.protobuf.Payload')
  return payloadType
}

/** True when the message itself carries the field (protobufjs puts defaults on the prototype). */
export function has(message: object, field: string): boolean {
  return Object.hasOwn(message, field)
}

let defaults: { alias: unknown; timestamp: unknown } | null = null

/**
 * A metric's alias and timestamp, or undefined when it has none. A field the message does not
 * carry reads as the prototype's shared default object, so identity says it is absent: cheaper
 * than asking for an own property on every metric of every message.
 */
export function aliasOf(m: SpMetric): number | undefined {
  defaults ??= metricDefaults()
  return m.alias === defaults.alias ? undefined : longToNumber(m.alias, false)
}

export function timestampOf(m: SpMetric): number | undefined {
  defaults ??= metricDefaults()
  return m.timestamp === defaults.timestamp ? undefined : longToNumber(m.timestamp, false)
}

function metricDefaults(): { alias: unknown; timestamp: unknown } {
  const Metric = sparkplugPayloadType().lookupType('Payload.Metric')
  const proto = Metric.ctor.prototype as { alias: unknown; timestamp: unknown }
  return { alias: proto.alias, timestamp: proto.timestamp }
}
