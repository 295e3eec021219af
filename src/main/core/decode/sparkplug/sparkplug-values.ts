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
import {
  VALUE_BOOLEAN,
  VALUE_DOUBLE,
  VALUE_FLOAT,
  VALUE_INT,
  VALUE_LONG,
  VALUE_NONE
} from './sparkplug-wire'

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

/**
 * The charted value of a metric of a numeric type: NaN when it is null or has no value.
 * Signed types arrive as unsigned two's complement, of 32 bits or of their own width.
 */
export function chartValue(m: SpMetric, datatype: number): number {
  if (m.is_null) return NaN
  if (has(m, 'int_value')) return chartOf(datatype, VALUE_INT, m.int_value!, 0, 0, 0)
  if (has(m, 'long_value'))
    return chartOf(
      datatype,
      VALUE_LONG,
      0,
      longToNumber(m.long_value, false),
      longToNumber(m.long_value, true),
      0
    )
  if (has(m, 'float_value')) return chartOf(datatype, VALUE_FLOAT, 0, 0, 0, m.float_value!)
  if (has(m, 'double_value')) return chartOf(datatype, VALUE_DOUBLE, 0, 0, 0, m.double_value!)
  if (has(m, 'boolean_value'))
    return chartOf(datatype, VALUE_BOOLEAN, 0, 0, 0, m.boolean_value ? 1 : 0)
  return chartOf(datatype, VALUE_NONE, 0, 0, 0, 0)
}

/**
 * The same from the value field a metric carries (`kind`, one of VALUE_*): `int` for
 * int_value, `longUnsigned`/`longSigned` for long_value, `num` for a float (as its float32),
 * a double or a boolean (1 or 0). Not for null metrics.
 */
export function chartOf(
  datatype: number,
  kind: number,
  int: number,
  longUnsigned: number,
  longSigned: number,
  num: number
): number {
  // An integer type's value from whichever field the sender used (implementations differ).
  const integer = kind === VALUE_INT ? int : kind === VALUE_LONG ? longUnsigned : NaN
  switch (datatype) {
    case DT.Int8:
      return integer >= 128 && integer < 256 ? integer - 256 : integer | 0
    case DT.Int16:
      return integer >= 32768 && integer < 65536 ? integer - 65536 : integer | 0
    case DT.Int32:
      return kind === VALUE_LONG ? longSigned : integer | 0
    case DT.UInt8:
    case DT.UInt16:
    case DT.UInt32:
      return integer
    case DT.Int64:
      return kind === VALUE_LONG ? longSigned : integer
    case DT.UInt64:
      return integer
    case DT.Float:
      return kind === VALUE_FLOAT ? shortestFloat32(num) : NaN
    case DT.Double:
      return kind === VALUE_DOUBLE ? num : NaN
    case DT.Boolean:
      return kind === VALUE_BOOLEAN ? num : NaN
    default:
      // No type given and none known: whatever number the value field holds.
      if (kind === VALUE_DOUBLE) return num
      if (kind === VALUE_FLOAT) return shortestFloat32(num)
      if (kind === VALUE_BOOLEAN) return num
      return integer
  }
}

/** The data type a value field implies, for a metric with none given or known. */
export function datatypeOfKind(kind: number): number {
  switch (kind) {
    case VALUE_DOUBLE:
      return DT.Double
    case VALUE_FLOAT:
      return DT.Float
    case VALUE_BOOLEAN:
      return DT.Boolean
    case VALUE_LONG:
      return DT.Int64
    case VALUE_INT:
      return DT.UInt32
    default:
      return 0
  }
}

/** An integer metric's value from whichever field the sender used (implementations differ). */
function integer(m: SpMetric): number {
  if (has(m, 'int_value')) return m.int_value!
  if (has(m, 'long_value')) return longToNumber(m.long_value, false)
  return NaN
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
