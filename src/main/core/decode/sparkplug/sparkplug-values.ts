// Metric values by Sparkplug data type: the numbers that are charted, and a typed view of
// everything else for the inspector.
import {
  SPARKPLUG_DATATYPES,
  type SparkplugCell,
  type SparkplugMetricView,
  type SparkplugValue
} from '../../../../shared/sparkplug-types'
import { shortestFloat32 } from '../number-format'
import { longToNumber } from '../protobuf-long'
import {
  has,
  type SpDataSet,
  type SpDataSetValue,
  type SpMetric,
  type SpTemplate
} from './sparkplug-payload'

export const DT = {
  Int8: 1,
  Int16: 2,
  Int32: 3,
  Int64: 4,
  UInt8: 5,
  UInt16: 6,
  UInt32: 7,
  UInt64: 8,
  Float: 9,
  Double: 10,
  Boolean: 11,
  String: 12,
  DateTime: 13,
  Text: 14,
  UUID: 15,
  DataSet: 16,
  Bytes: 17,
  File: 18,
  Template: 19,
  Int8Array: 22,
  DateTimeArray: 34
} as const

/** DataSet rows shown per metric; the rest are counted. */
const MAX_DATASET_ROWS = 1000
/** Bytes of a Bytes or File metric shown, in hex. */
const BYTES_HEAD = 64

export function datatypeName(datatype: number): string {
  return SPARKPLUG_DATATYPES[datatype] ?? `type ${datatype}`
}

/** True for the types charted as numbers: integers, floats, doubles and booleans. */
export function isChartType(datatype: number): boolean {
  return (datatype >= DT.Int8 && datatype <= DT.Boolean) || datatype === 0
}

/** The data type a metric says it has, else the one its value field implies. */
export function datatypeOf(m: SpMetric, known: number | undefined): number {
  if (has(m, 'datatype') && m.datatype) return m.datatype
  if (known) return known
  if (has(m, 'double_value')) return DT.Double
  if (has(m, 'float_value')) return DT.Float
  if (has(m, 'boolean_value')) return DT.Boolean
  if (has(m, 'long_value')) return DT.Int64
  if (has(m, 'int_value')) return DT.UInt32
  if (has(m, 'string_value')) return DT.String
  if (has(m, 'bytes_value')) return DT.Bytes
  if (has(m, 'dataset_value')) return DT.DataSet
  if (has(m, 'template_value')) return DT.Template
  return 0
}

/** An integer metric's value from whichever field the sender used (implementations differ). */
function integer(m: SpMetric): number {
  if (has(m, 'int_value')) return m.int_value!
  if (has(m, 'long_value')) return longToNumber(m.long_value, false)
  return NaN
}

/**
 * The charted value of a metric of a numeric type: NaN when it is null or has no value.
 * Signed types arrive as unsigned two's complement, of 32 bits or of their own width.
 */
export function chartValue(m: SpMetric, datatype: number): number {
  if (m.is_null) return NaN
  switch (datatype) {
    case DT.Int8: {
      const v = integer(m)
      return v >= 128 && v < 256 ? v - 256 : v | 0
    }
    case DT.Int16: {
      const v = integer(m)
      return v >= 32768 && v < 65536 ? v - 65536 : v | 0
    }
    case DT.Int32:
      return has(m, 'long_value') ? longToNumber(m.long_value, true) : integer(m) | 0
    case DT.UInt8:
    case DT.UInt16:
    case DT.UInt32:
      return integer(m)
    case DT.Int64:
      return has(m, 'long_value') ? longToNumber(m.long_value, true) : integer(m)
    case DT.UInt64:
      return integer(m)
    case DT.Float:
      return has(m, 'float_value') ? shortestFloat32(m.float_value!) : NaN
    case DT.Double:
      return has(m, 'double_value') ? m.double_value! : NaN
    case DT.Boolean:
      return has(m, 'boolean_value') ? (m.boolean_value ? 1 : 0) : NaN
    default: {
      // No type given and none known: whatever number the value field holds.
      if (has(m, 'double_value')) return m.double_value!
      if (has(m, 'float_value')) return shortestFloat32(m.float_value!)
      if (has(m, 'boolean_value')) return m.boolean_value ? 1 : 0
      return integer(m)
    }
  }
}

/** The inspector's view of any metric value. `depth` bounds Templates inside Templates. */
export function viewValue(m: SpMetric, datatype: number, depth = 0): SparkplugValue {
  if (m.is_null) return { kind: 'null' }
  if (isChartType(datatype)) {
    if (datatype === DT.Boolean && has(m, 'boolean_value'))
      return { kind: 'boolean', value: m.boolean_value! }
    const v = chartValue(m, datatype)
    return Number.isFinite(v) ? { kind: 'number', value: v } : { kind: 'null' }
  }
  switch (datatype) {
    case DT.String:
    case DT.Text:
    case DT.UUID:
      return has(m, 'string_value') ? { kind: 'string', value: m.string_value! } : { kind: 'null' }
    case DT.DateTime:
      return { kind: 'datetime', value: integer(m) }
    case DT.Bytes:
    case DT.File: {
      const bytes = bytesOf(m)
      return { kind: 'bytes', size: bytes.byteLength, head: hex(bytes.subarray(0, BYTES_HEAD)) }
    }
    case DT.DataSet:
      return m.dataset_value ? viewDataSet(m.dataset_value) : { kind: 'null' }
    case DT.Template:
      return m.template_value ? viewTemplate(m.template_value, depth) : { kind: 'null' }
    default:
      if (datatype >= DT.Int8Array && datatype <= DT.DateTimeArray)
        return viewArray(bytesOf(m), datatype)
      return { kind: 'unsupported', reason: `${datatypeName(datatype)} values are not shown` }
  }
}

export function viewMetric(
  m: SpMetric,
  name: string,
  datatype: number,
  depth = 0
): SparkplugMetricView {
  return {
    name,
    ...(has(m, 'alias') ? { alias: longToNumber(m.alias, false) } : {}),
    datatype: datatypeName(datatype),
    ...(has(m, 'timestamp') ? { timestamp: longToNumber(m.timestamp, false) } : {}),
    historical: m.is_historical === true,
    transient: m.is_transient === true,
    value: viewValue(m, datatype, depth)
  }
}

function cell(v: SpDataSetValue, datatype: number): SparkplugCell {
  if (has(v, 'boolean_value')) return v.boolean_value!
  if (has(v, 'string_value')) return v.string_value!
  if (has(v, 'double_value')) return v.double_value!
  if (has(v, 'float_value')) return shortestFloat32(v.float_value!)
  if (has(v, 'int_value') || has(v, 'long_value'))
    return chartValue(v as SpMetric, datatype || DT.UInt64)
  return null
}

function viewDataSet(ds: SpDataSet): SparkplugValue {
  const shown = ds.rows.slice(0, MAX_DATASET_ROWS)
  return {
    kind: 'dataset',
    columns: ds.columns.slice(),
    types: ds.types.map(datatypeName),
    rows: shown.map((row) => row.elements.map((v, i) => cell(v, ds.types[i] ?? 0))),
    moreRows: ds.rows.length - shown.length
  }
}

function viewTemplate(t: SpTemplate, depth: number): SparkplugValue {
  return {
    kind: 'template',
    ...(has(t, 'template_ref') ? { templateRef: t.template_ref } : {}),
    ...(has(t, 'version') ? { version: t.version } : {}),
    isDefinition: t.is_definition === true,
    // Nesting is already bounded by the protobuf reader's depth limit.
    metrics: t.metrics.map((m) => viewMetric(m, m.name ?? '', datatypeOf(m, undefined), depth + 1)),
    parameters: t.parameters.map((p) => ({
      name: p.name ?? '',
      type: datatypeName(p.type ?? 0),
      value: cell(p, p.type ?? 0)
    }))
  }
}

/** Sparkplug 3.0 arrays: little-endian values packed in bytes_value. */
function viewArray(bytes: Uint8Array, datatype: number): SparkplugValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const values: SparkplugCell[] = []
  const name = datatypeName(datatype)
  const sizes: Record<string, number> = {
    Int8Array: 1,
    UInt8Array: 1,
    Int16Array: 2,
    UInt16Array: 2,
    Int32Array: 4,
    UInt32Array: 4,
    FloatArray: 4,
    Int64Array: 8,
    UInt64Array: 8,
    DoubleArray: 8,
    DateTimeArray: 8
  }
  const size = sizes[name]
  if (size) {
    if (bytes.byteLength % size !== 0)
      return { kind: 'unsupported', reason: `${name} of ${bytes.byteLength} bytes is malformed` }
    for (let at = 0; at < bytes.byteLength; at += size) {
      switch (name) {
        case 'Int8Array':
          values.push(view.getInt8(at))
          break
        case 'UInt8Array':
          values.push(view.getUint8(at))
          break
        case 'Int16Array':
          values.push(view.getInt16(at, true))
          break
        case 'UInt16Array':
          values.push(view.getUint16(at, true))
          break
        case 'Int32Array':
          values.push(view.getInt32(at, true))
          break
        case 'UInt32Array':
          values.push(view.getUint32(at, true))
          break
        case 'FloatArray':
          values.push(shortestFloat32(view.getFloat32(at, true)))
          break
        case 'DoubleArray':
          values.push(view.getFloat64(at, true))
          break
        case 'Int64Array':
          values.push(Number(view.getBigInt64(at, true)))
          break
        default:
          values.push(Number(view.getBigUint64(at, true)))
      }
    }
    return { kind: 'array', values }
  }
  if (name === 'BooleanArray') {
    // A 4-byte count, then the booleans packed 8 per byte, most significant bit first.
    if (bytes.byteLength < 4) return { kind: 'unsupported', reason: 'BooleanArray is malformed' }
    const count = view.getUint32(0, true)
    if (count > (bytes.byteLength - 4) * 8)
      return { kind: 'unsupported', reason: 'BooleanArray is malformed' }
    for (let i = 0; i < count; i++) values.push((bytes[4 + (i >> 3)] & (0x80 >> (i & 7))) !== 0)
    return { kind: 'array', values }
  }
  // StringArray: null-terminated UTF-8 strings.
  const decoder = new TextDecoder()
  let start = 0
  for (let i = 0; i < bytes.byteLength; i++) {
    if (bytes[i] !== 0) continue
    values.push(decoder.decode(bytes.subarray(start, i)))
    start = i + 1
  }
  return { kind: 'array', values }
}

/** The metric's bytes; without them protobufjs gives a shared empty array, not bytes. */
function bytesOf(m: SpMetric): Uint8Array {
  return has(m, 'bytes_value') && m.bytes_value instanceof Uint8Array
    ? m.bytes_value
    : new Uint8Array(0)
}

function hex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, '0')
  return out
}
