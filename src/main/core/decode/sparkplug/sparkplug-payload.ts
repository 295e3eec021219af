// The Sparkplug B payload as protobufjs reads it, and the metric values it holds.
import protobuf from 'protobufjs'
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
