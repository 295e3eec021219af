import type { TimestampConfig } from '../../../shared/schemas'
import { fmtCount, MAX_ROWS_PER_MESSAGE } from '../limits'
import {
  describe,
  FieldCollector,
  getPath,
  LazyTextRow,
  longNamesWarning,
  RowFactory,
  toNumber,
  tooManyFields
} from './field-rows'
import {
  FlatMap,
  KIND_BOOLEAN,
  KIND_MAP,
  KIND_NULL,
  KIND_NUMBER,
  KIND_OTHER,
  KIND_UNDEFINED
} from './flat-map'
import { timestampFromJson } from './timestamp'
import type { DecodedRow, DecodeOutcome } from './types'

const AUTO_TS_FIELDS = ['ts', 'time', 'timestamp']
const VALUE: readonly string[] = Object.freeze(['value'])
/** Object levels searched for numbers when no paths are chosen. */
const MAX_DEPTH = 8

/**
 * Rows from a parsed JSON-like value (JSON, CBOR, MessagePack): an object, or an array of them
 * (one row per element). Numeric fields become series, nested ones by dot path; a timestamp
 * field gives t. `label` names the format in messages ("JSON has no numeric fields").
 */
export class StructuredRows {
  private readonly factory = new RowFactory()
  private readonly found = new FieldCollector()
  /** The row of a message that is one object, and its outcome: reused, as rows may be. */
  private readonly row = new LazyTextRow(VALUE, this.factory.text)
  private readonly rows = [this.row]
  private readonly outcome: DecodeOutcome = { ok: true, rows: this.rows }
  /** Fields skipped in the message being decoded because their names are too long. */
  private longNames = 0
  private readonly nested: PathCache = new Map()
  private readonly pathCount = { n: 0 }

  /** The timestamp field is found the same in a FlatMap as in an object (see plainName). */
  private readonly plainTimestamp: boolean

  constructor(
    private readonly label: string,
    private readonly paths: readonly string[],
    private readonly timestamp: TimestampConfig
  ) {
    this.plainTimestamp =
      timestamp.source === 'receive' || !timestamp.field || plainName(timestamp.field)
  }

  decode(parsed: unknown, receivedAt: number): DecodeOutcome {
    if (!Array.isArray(parsed)) return this.decodeOne(parsed, receivedAt)
    const items = parsed
    if (items.length > MAX_ROWS_PER_MESSAGE)
      return {
        ok: false,
        error: `${this.label} array of ${fmtCount(items.length)} items: more than the ${fmtCount(MAX_ROWS_PER_MESSAGE)} rows one message may give`
      }
    this.factory.startMessage()
    const rows: DecodedRow[] = []
    let warning: string | undefined
    this.longNames = 0
    for (const item of items) {
      const row = this.decodeItem(item, receivedAt)
      if (typeof row === 'string') warning ??= row
      else if ('refuse' in row) return { ok: false, error: row.refuse }
      else rows.push(row)
    }
    if (this.longNames > 0) warning ??= longNamesWarning(this.longNames)
    if (rows.length === 0)
      return { ok: false, error: warning ?? `${this.label} has no numeric fields` }
    return warning ? { ok: true, rows, warning } : { ok: true, rows }
  }

  /** One object (the common case): its row is reused from message to message. */
  private decodeOne(item: unknown, receivedAt: number): DecodeOutcome {
    this.factory.startMessage()
    this.longNames = 0
    return this.outcomeOf(this.decodeItem(item, receivedAt, this.row))
  }

  /**
   * What decode() makes of a map read into `flat` (see FlatMap), or null when only the
   * decoded object will do (chosen paths, a timestamp that is text, a dotted field name).
   */
  decodeFlat(flat: FlatMap, receivedAt: number): DecodeOutcome | null {
    if (this.paths.length > 0 || !this.plainTimestamp) return null
    const ts = this.timestamp
    let tsField: string | null = null
    if (ts.source === 'field') tsField = ts.field
    else if (ts.source === 'auto') {
      if (ts.field) {
        const at = flat.top(ts.field)
        if (at >= 0 && flat.kind[at] !== KIND_UNDEFINED) tsField = ts.field
      }
      for (let k = 0; tsField === null && k < AUTO_TS_FIELDS.length; k++) {
        const at = flat.top(AUTO_TS_FIELDS[k])
        if (at >= 0 && flat.kind[at] !== KIND_UNDEFINED) tsField = AUTO_TS_FIELDS[k]
      }
    }
    let t = receivedAt
    if (tsField !== null) {
      const at = flat.top(tsField)
      const kind = at < 0 ? KIND_UNDEFINED : flat.kind[at]
      if (kind === KIND_OTHER || kind === KIND_MAP) return null
      const value =
        kind === KIND_NUMBER
          ? flat.value[at]
          : kind === KIND_BOOLEAN
            ? flat.value[at] === 1
            : kind === KIND_NULL
              ? null
              : undefined
      const ms = timestampOf(value, ts.format)
      if (ms === null) return { ok: false, error: `timestamp field "${tsField}" is not a time` }
      t = ms
    }
    this.factory.startMessage()
    this.longNames = 0
    const found = this.found
    found.clear()
    for (let i = 0; i < flat.count;) {
      if (found.over) break
      const kind = flat.kind[i]
      if (flat.path[i] === tsField) i = kind === KIND_MAP ? flat.end[i] : i + 1
      else {
        if (kind === KIND_NUMBER) {
          const v = flat.value[i]
          if (Number.isFinite(v)) found.add(flat.path[i], v)
        } else if (kind === KIND_BOOLEAN) found.add(flat.path[i], flat.value[i])
        i++
      }
    }
    return this.outcomeOf(this.finishItem(t, this.row))
  }

  private outcomeOf(row: DecodedRow | string | { refuse: string }): DecodeOutcome {
    if (typeof row === 'string') return { ok: false, error: row }
    if ('refuse' in row) return { ok: false, error: row.refuse }
    const rows = row === this.row ? this.rows : [row]
    if (this.longNames > 0) return { ok: true, rows, warning: longNamesWarning(this.longNames) }
    return row === this.row ? this.outcome : { ok: true, rows }
  }

  /** A row, a warning, or a reason to refuse the whole message. */
  private decodeItem(
    item: unknown,
    receivedAt: number,
    reuse?: LazyTextRow
  ): DecodedRow | string | { refuse: string } {
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) return `${this.label} number is not finite`
      return this.factory.makeRow(receivedAt, VALUE, [item])
    }
    if (item === null || typeof item !== 'object' || Array.isArray(item) || !isPlain(item)) {
      return `${this.label} item is ${describe(item)}, not an object or a number`
    }
    const record = item as Record<string, unknown>
    const tsField = this.timestampField(record)
    let t = receivedAt
    if (tsField !== null) {
      const ts = timestampOf(getPath(record, tsField), this.timestamp.format)
      if (ts === null) return `timestamp field "${tsField}" is not a time`
      t = ts
    }
    const found = this.found
    found.clear()
    if (this.paths.length > 0) {
      for (const path of this.paths) {
        found.push(path, toNumber(getPath(record, path)))
      }
    } else {
      collectNumbers(record, '', 0, tsField, found, this.nested, this.pathCount)
    }
    return this.finishItem(t, reuse)
  }

  /** The row of the fields and values just collected. */
  private finishItem(t: number, reuse?: LazyTextRow): DecodedRow | string | { refuse: string } {
    const found = this.found
    if (found.over) return { refuse: tooManyFields(this.label, found.values.length) }
    this.longNames += found.longNames
    const values = found.values
    let any = false
    for (let i = 0; i < values.length && !any; i++) any = values[i] === values[i]
    if (!any) return `${this.label} has no numeric fields`
    const fields = this.factory.shared(found.fields)
    if (!reuse) return this.factory.makeRow(t, fields, values.slice())
    reuse.t = t
    reuse.fields = fields
    const kept = reuse.values
    // Setting an array's length costs a call even when it does not change.
    if (kept.length !== values.length) kept.length = values.length
    for (let i = 0; i < values.length; i++) kept[i] = values[i]
    reuse.stale()
    return reuse
  }

  private timestampField(record: Record<string, unknown>): string | null {
    const ts = this.timestamp
    if (ts.source === 'receive') return null
    if (ts.source === 'field') return ts.field
    if (ts.field && getPath(record, ts.field) !== undefined) return ts.field
    for (const name of AUTO_TS_FIELDS) if (record[name] !== undefined) return name
    return null
  }
}

/** A top-level key read the same from a FlatMap as from an object: no dot, not inherited. */
function plainName(name: string): boolean {
  return !name.includes('.') && !(name in Object.prototype)
}

/** A plain object (not a Date, byte string, Map...): the only kind searched for fields. */
function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** A timestamp field's value: a number, numeric or ISO text, a big integer, or a date. */
function timestampOf(value: unknown, format: TimestampConfig['format']): number | null {
  if (value instanceof Date) {
    const ms = value.getTime()
    return Number.isFinite(ms) ? ms : null
  }
  if (typeof value === 'bigint') return timestampFromJson(Number(value), format)
  return timestampFromJson(value, format)
}

/** Nested dot paths made so far, by prefix then key: the same path is the same string. */
type PathCache = Map<string, Map<string, string>>
const MAX_CACHED_PATHS = 4096

/**
 * `prefix.key`, the same string object each message: the field list of a message then matches
 * the last one by identity, and no new string is built per field per message.
 */
function nestedPath(cache: PathCache, prefix: string, key: string, size: { n: number }): string {
  let byKey = cache.get(prefix)
  let path = byKey?.get(key)
  if (path !== undefined) return path
  path = `${prefix}.${key}`
  if (size.n < MAX_CACHED_PATHS) {
    if (!byKey) cache.set(prefix, (byKey = new Map()))
    byKey.set(key, path)
    size.n++
  }
  return path
}

/** Every numeric (or boolean) field by dot path; stops one past the per-message limit. */
function collectNumbers(
  value: Record<string, unknown>,
  prefix: string,
  depth: number,
  skip: string | null,
  found: FieldCollector,
  paths: PathCache,
  size: { n: number }
): void {
  const keys = Object.keys(value)
  for (let i = 0; i < keys.length; i++) {
    if (found.over) return
    const key = keys[i]
    const v = value[key]
    const path = prefix ? nestedPath(paths, prefix, key, size) : key
    if (path === skip) continue
    if (typeof v === 'number') {
      if (Number.isFinite(v)) found.add(path, v)
    } else if (typeof v === 'boolean') {
      found.add(path, v ? 1 : 0)
    } else if (typeof v === 'bigint') {
      found.add(path, Number(v))
    } else if (v !== null && typeof v === 'object' && depth < MAX_DEPTH && isPlain(v)) {
      collectNumbers(v as Record<string, unknown>, path, depth + 1, skip, found, paths, size)
    }
  }
}
