import protobuf from 'protobufjs'
import type { TimestampConfig } from '../../../shared/schemas'
import { MAX_NESTING } from '../limits'
import { FieldCollector, longNamesWarning, RowFactory, tooManyFields } from './field-rows'
import { shortestFloat32 } from './number-format'
import { findMessageType, loadProtoSchema } from './proto-schema'
import { isLong, longToNumber } from './protobuf-long'
import { timestampFromJson } from './timestamp'
import type { DecodeOutcome, Decoder } from './types'
import { fmtBytes, tooLarge } from './types'

const AUTO_TS_FIELDS = ['ts', 'time', 'timestamp']

/**
 * Protobuf with the user's own .proto file and message type: every numeric field becomes a
 * series (nested messages by dot path, repeated fields and maps by index or key), or only the
 * chosen dot paths. A field the sender left out is missing, except proto3's implicit scalars,
 * which mean zero.
 */
export class ProtobufDecoder implements Decoder {
  readonly format = 'protobuf'
  private readonly type: protobuf.Type | null = null
  private readonly problem: string | null = null
  private readonly factory = new RowFactory()
  private readonly found = new FieldCollector()
  /** The field that gives t (and is not charted), or null for the receive time. */
  private readonly tsField: string | null = null

  constructor(
    file: string,
    typeName: string,
    private readonly paths: readonly string[],
    private readonly timestamp: TimestampConfig
  ) {
    const schema = loadProtoSchema(file)
    if (!schema.ok) {
      this.problem = `protobuf schema: ${schema.error}`
      return
    }
    const type = findMessageType(schema, typeName)
    if (typeof type === 'string') {
      this.problem = `protobuf schema: ${type}`
      return
    }
    this.type = type
    this.tsField = timestampField(type, timestamp)
  }

  decode(payload: Uint8Array, receivedAt: number): DecodeOutcome {
    const type = this.type
    if (!type) return { ok: false, error: this.problem! }
    const large = tooLarge(payload)
    if (large) return { ok: false, error: large }
    let message: protobuf.Message
    try {
      message = type.decode(payload)
    } catch (error) {
      return { ok: false, error: describeFailure(error, type, payload.byteLength) }
    }
    const record = message as unknown as Record<string, unknown>
    let t = receivedAt
    const tsField = this.tsField
    if (tsField !== null) {
      const raw = valueAtPath(record, type, tsField, true)
      // Left out of this message: the receive time, unless the user named the field.
      if ((raw !== undefined && raw !== null) || this.timestamp.source === 'field') {
        const ts = timestampOf(raw, this.timestamp.format)
        if (ts === null) return { ok: false, error: `timestamp field "${tsField}" is not a time` }
        t = ts
      }
    }
    const found = this.found
    found.clear()
    if (this.paths.length > 0) {
      for (const p of this.paths) {
        found.fields.push(p)
        found.values.push(valueAtPath(record, type, p, false) as number)
      }
    } else {
      walk(record, type, '', 0, tsField, found)
    }
    if (found.over)
      return { ok: false, error: tooManyFields('protobuf message', found.values.length) }
    const values = found.values
    let any = false
    for (let i = 0; i < values.length && !any; i++) any = values[i] === values[i]
    if (!any)
      return {
        ok: false,
        error: found.longNames
          ? longNamesWarning(found.longNames)
          : `protobuf ${type.name} has no numeric fields`
      }
    this.factory.startMessage()
    const row = this.factory.makeRow(t, this.factory.shared(found.fields), values.slice())
    return found.longNames
      ? { ok: true, rows: [row], warning: longNamesWarning(found.longNames) }
      : { ok: true, rows: [row] }
  }
}

function timestampField(type: protobuf.Type, ts: TimestampConfig): string | null {
  if (ts.source === 'receive') return null
  if (ts.source === 'field') return ts.field
  if (type.fields[ts.field.split('.')[0]]) return ts.field
  return AUTO_TS_FIELDS.find((name) => type.fields[name]) ?? null
}

/** The plain-words reason a payload is not a message of `type`. */
function describeFailure(error: unknown, type: protobuf.Type, bytes: number): string {
  const message = String((error as Error)?.message ?? error)
    .split('\n')[0]
    .slice(0, 160)
  if (/index out of range/.test(message))
    return `truncated protobuf: a field of ${type.name} runs past the end of the payload (${fmtBytes(bytes)})`
  if (/max depth exceeded/.test(message)) return `protobuf nested deeper than ${MAX_NESTING} levels`
  return `not a protobuf ${type.name} (${message})`
}

/** A scalar field's value as a chart number, or undefined for text and bytes. */
function scalar(field: protobuf.Field, v: unknown): number | undefined {
  if (field.resolvedType instanceof protobuf.Enum) return typeof v === 'number' ? v : undefined
  switch (field.type) {
    case 'double':
      return v as number
    case 'float':
      return shortestFloat32(v as number)
    case 'int32':
    case 'uint32':
    case 'sint32':
    case 'fixed32':
    case 'sfixed32':
      return v as number
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return longToNumber(v)
    case 'bool':
      return v ? 1 : 0
    default:
      return undefined
  }
}

/** Collects every numeric field by dot path; stops one past the per-message limit. */
function walk(
  message: Record<string, unknown>,
  type: protobuf.Type,
  prefix: string,
  depth: number,
  skip: string | null,
  found: FieldCollector
): void {
  const fields = type.fieldsArray
  for (let i = 0; i < fields.length; i++) {
    if (found.over) return
    const field = fields[i]
    const name = field.name
    const path = prefix ? `${prefix}.${name}` : name
    if (path === skip) continue
    if (field.map) {
      const map = message[name] as Record<string, unknown> | undefined
      if (map) for (const key in map) emit(field, map[key], `${path}.${key}`, depth, found)
    } else if (field.repeated) {
      const list = message[name] as unknown[] | undefined
      if (list)
        for (let k = 0; k < list.length && !found.over; k++)
          emit(field, list[k], `${path}.${k}`, depth, found)
    } else if (!field.hasPresence || Object.hasOwn(message, name)) {
      emit(field, message[name], path, depth, found)
    }
  }
}

function emit(
  field: protobuf.Field,
  v: unknown,
  path: string,
  depth: number,
  found: FieldCollector
): void {
  if (field.resolvedType instanceof protobuf.Type) {
    if (v && depth < MAX_NESTING)
      walk(v as Record<string, unknown>, field.resolvedType, path, depth + 1, null, found)
    return
  }
  const n = scalar(field, v)
  if (n !== undefined && Number.isFinite(n)) found.add(path, n)
}

/**
 * The value at a dot path, following the schema (so a float reads as its shortest decimal):
 * a number, NaN when absent or not numeric; with `raw`, the value itself (for timestamps).
 */
function valueAtPath(
  message: Record<string, unknown>,
  type: protobuf.Type,
  path: string,
  raw: boolean
): unknown {
  const parts = path.split('.')
  let current: unknown = message
  let currentType: protobuf.Type = type
  for (let i = 0; i < parts.length; i++) {
    if (current === null || typeof current !== 'object') return raw ? undefined : NaN
    const field = currentType.fields[parts[i]]
    if (!field) return raw ? undefined : NaN
    const holder = current as Record<string, unknown>
    if (field.hasPresence && !Object.hasOwn(holder, field.name)) return raw ? undefined : NaN
    let v = holder[field.name]
    if ((field.repeated || field.map) && i + 1 < parts.length) {
      i++
      v = (v as Record<string, unknown> | undefined)?.[parts[i]]
      if (v === undefined) return raw ? undefined : NaN
    } else if (field.repeated || field.map) {
      return raw ? v : NaN
    }
    if (i === parts.length - 1) {
      if (raw) return v
      if (field.resolvedType instanceof protobuf.Type) return NaN
      const n = scalar(field, v)
      return n !== undefined && Number.isFinite(n) ? n : NaN
    }
    if (!(field.resolvedType instanceof protobuf.Type)) return raw ? undefined : NaN
    current = v
    currentType = field.resolvedType
  }
  return raw ? current : NaN
}

/** A timestamp field: a number (epoch s or ms), a 64-bit integer, or a google.protobuf.Timestamp. */
function timestampOf(v: unknown, format: TimestampConfig['format']): number | null {
  if (isLong(v)) return timestampFromJson(longToNumber(v), format)
  if (typeof v === 'number' || typeof v === 'string') return timestampFromJson(v, format)
  if (v && typeof v === 'object' && 'seconds' in v) {
    const { seconds, nanos } = v as { seconds: unknown; nanos?: number }
    const s = isLong(seconds) ? longToNumber(seconds) : Number(seconds)
    const ms = s * 1000 + (nanos ?? 0) / 1e6
    return Number.isFinite(ms) ? ms : null
  }
  return null
}
