import protobuf from 'protobufjs'
import type { TimestampConfig } from '../../../shared/schemas'
import { fmtCount, MAX_FIELDS_PER_MESSAGE, MAX_NESTING } from '../limits'
import {
  FieldCollector,
  LazyTextRow,
  longNamesWarning,
  RowFactory,
  tooManyFields
} from './field-rows'
import { findMessageType, loadProtoSchema } from './proto-schema'
import { isLong, longToNumber } from './protobuf-long'
import { convert, kindOf, ProtobufPlan } from './protobuf-plan'
import { ProtobufWire } from './protobuf-wire'
import { timestampFromJson } from './timestamp'
import type { DecodeOutcome, Decoder } from './types'
import { fmtBytes, tooLarge } from './types'

const AUTO_TS_FIELDS = ['ts', 'time', 'timestamp']

/**
 * Protobuf with the user's own .proto file and message type: every numeric field becomes a
 * series (nested messages by dot path, repeated fields and maps by index or key), or only the
 * chosen dot paths. A field the sender left out is missing (an empty cell), except proto3's
 * implicit scalars, which mean zero; so messages of one type keep one list of fields.
 */
export class ProtobufDecoder implements Decoder {
  readonly format = 'protobuf'
  private readonly type: protobuf.Type | null = null
  private readonly plan: ProtobufPlan | null = null
  /** Messages of the plan's fixed shape, read without protobufjs (null: schema not suited). */
  private readonly wire: ProtobufWire | null = null
  private readonly problem: string | null = null
  private readonly factory = new RowFactory()
  private readonly found = new FieldCollector()
  /** The field that gives t (and is not charted), or null for the receive time. */
  private readonly tsField: string | null = null
  /** The timestamp field's and the chosen fields' dot paths, split once. */
  private readonly tsParts: string[] = []
  private readonly pathParts: string[][]
  /** The row of a message of fixed shape (or of chosen paths): reused for every one. */
  private readonly row: LazyTextRow
  private readonly outcome: DecodeOutcome

  constructor(
    file: string,
    typeName: string,
    private readonly paths: readonly string[],
    private readonly timestamp: TimestampConfig
  ) {
    this.row = new LazyTextRow(Object.freeze([...paths]), this.factory.text)
    this.outcome = { ok: true, rows: [this.row] }
    this.pathParts = paths.map((p) => p.split('.'))
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
    this.tsField = timestampField(type, timestamp)
    this.tsParts = this.tsField?.split('.') ?? []
    if (paths.length === 0) {
      const plan = new ProtobufPlan(type, this.tsField)
      if (plan.fixed.length > MAX_FIELDS_PER_MESSAGE) {
        this.problem = `protobuf schema: ${type.name} has ${fmtCount(plan.fixed.length)} numeric fields, more than the ${fmtCount(MAX_FIELDS_PER_MESSAGE)} one message may chart; choose the fields by dot path`
        return
      }
      this.plan = plan
      this.row.fields = plan.fixed
      const wire = new ProtobufWire(type, this.tsField, plan.fixed.length)
      if (wire.supported) this.wire = wire
    }
    this.type = type
  }

  decode(payload: Uint8Array, receivedAt: number): DecodeOutcome {
    const type = this.type
    if (!type) return { ok: false, error: this.problem! }
    const large = tooLarge(payload)
    if (large) return { ok: false, error: large }
    const wire = this.wire
    if (wire) {
      const n = this.plan!.fixed.length
      // Setting an array's length costs a call even when it does not change.
      if (this.row.values.length !== n) this.row.values.length = n
      if (wire.read(payload, this.row.values)) {
        let t = receivedAt
        const raw = wire.timestamp
        if (this.tsField !== null && (raw !== undefined || this.timestamp.source === 'field')) {
          const ts = timestampOf(raw, this.timestamp.format)
          if (ts === null)
            return { ok: false, error: `timestamp field "${this.tsField}" is not a time` }
          t = ts
        }
        return this.fixedRow(type, t, 0)
      }
    }
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
      const raw = valueAtPath(record, type, this.tsParts, true)
      // Left out of this message: the receive time, unless the user named the field.
      if ((raw !== undefined && raw !== null) || this.timestamp.source === 'field') {
        const ts = timestampOf(raw, this.timestamp.format)
        if (ts === null) return { ok: false, error: `timestamp field "${tsField}" is not a time` }
        t = ts
      }
    }
    const row = this.row
    const values = row.values
    const plan = this.plan
    const found = this.found
    found.clear()
    if (plan) {
      if (values.length !== plan.fixed.length) values.length = plan.fixed.length
      plan.read(record, values, found)
      if (found.over)
        return {
          ok: false,
          error: tooManyFields('protobuf message', values.length + found.values.length)
        }
    } else {
      values.length = this.paths.length
      for (let i = 0; i < this.paths.length; i++)
        values[i] = valueAtPath(record, type, this.pathParts[i], false) as number
    }
    if (found.values.length > 0) return this.varyingRow(t)
    return this.fixedRow(type, t, found.longNames)
  }

  /** The reused row, once its values are in place. */
  private fixedRow(type: protobuf.Type, t: number, longNames: number): DecodeOutcome {
    const row = this.row
    const values = row.values
    let any = false
    for (let i = 0; i < values.length && !any; i++) any = values[i] === values[i]
    if (!any) return { ok: false, error: `protobuf ${type.name} has no numeric fields` }
    row.t = t
    this.factory.startMessage()
    row.stale()
    return longNames
      ? { ok: true, rows: [row], warning: longNamesWarning(longNames) }
      : this.outcome
  }

  /** A row with the fixed fields and this message's entries of repeated fields and maps. */
  private varyingRow(t: number): DecodeOutcome {
    const found = this.found
    const fields = [...this.row.fields, ...found.fields]
    if (fields.length > MAX_FIELDS_PER_MESSAGE)
      return { ok: false, error: tooManyFields('protobuf message', fields.length) }
    const values = [...this.row.values, ...found.values]
    this.factory.startMessage()
    const row = this.factory.makeRow(t, this.factory.shared(fields), values)
    const longNames = found.longNames + (this.plan?.longNames ?? 0)
    return longNames
      ? { ok: true, rows: [row], warning: longNamesWarning(longNames) }
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

/**
 * The value at a dot path, following the schema (so a float reads as its shortest decimal):
 * a number, NaN when absent or not numeric; with `raw`, the value itself (for timestamps).
 */
function valueAtPath(
  message: Record<string, unknown>,
  type: protobuf.Type,
  parts: readonly string[],
  raw: boolean
): unknown {
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
      const kind = field.resolvedType instanceof protobuf.Type ? undefined : kindOf(field)
      if (kind === undefined) return NaN
      const n = convert(kind, v)
      return Number.isFinite(n) ? n : NaN
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
