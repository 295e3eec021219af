import type { DecodedRow, DecodeOutcome, Decoder } from './types'
import { preview, rowText, tooLarge } from './types'
import { timestampFromJson } from './timestamp'
import type { TimestampConfig } from '../../../shared/schemas'
import {
  fmtCount,
  MAX_FIELD_NAME_BYTES,
  MAX_FIELDS_PER_MESSAGE,
  MAX_NESTING,
  MAX_ROWS_PER_MESSAGE
} from '../limits'
import { nestingDepthOver } from './nesting'

const AUTO_TS_FIELDS = ['ts', 'time', 'timestamp']
/** Object levels searched for numbers when no paths are chosen. */
const MAX_DEPTH = 8

/**
 * JSON objects, or arrays of objects (the reference `[{"ts":...,"temp":...}]`: one row per
 * element). Numeric fields become series, nested ones by dot path; a timestamp field gives t.
 */
export class JsonDecoder implements Decoder {
  readonly format = 'json'
  private readonly fieldSets = new Map<string, readonly string[]>()
  private readonly decoder = new TextDecoder('utf-8', { fatal: true })
  /** Fields skipped in the message being decoded because their names are too long. */
  private longNames = 0

  constructor(
    private readonly paths: readonly string[],
    private readonly timestamp: TimestampConfig
  ) {}

  decode(payload: Uint8Array, receivedAt: number): DecodeOutcome {
    const large = tooLarge(payload)
    if (large) return { ok: false, error: large }
    if (payload.byteLength === 0) return { ok: false, error: 'empty payload' }
    if (nestingDepthOver(payload, MAX_NESTING))
      return { ok: false, error: `JSON nested deeper than ${MAX_NESTING} levels` }
    let parsed: unknown
    try {
      parsed = JSON.parse(this.decoder.decode(payload))
    } catch (error) {
      const reason = error instanceof SyntaxError ? error.message : 'not UTF-8 text'
      return { ok: false, error: `malformed JSON (${reason}): "${preview(payload)}"` }
    }
    const items = Array.isArray(parsed) ? parsed : [parsed]
    if (items.length > MAX_ROWS_PER_MESSAGE)
      return {
        ok: false,
        error: `JSON array of ${fmtCount(items.length)} items: more than the ${fmtCount(MAX_ROWS_PER_MESSAGE)} rows one message may give`
      }
    const rows: DecodedRow[] = []
    let warning: string | undefined
    this.longNames = 0
    for (const item of items) {
      const row = this.decodeItem(item, receivedAt)
      if (typeof row === 'string') warning ??= row
      else if (row.fields.length > MAX_FIELDS_PER_MESSAGE)
        return { ok: false, error: tooManyFields(row.fields.length) }
      else rows.push(row)
    }
    if (this.longNames > 0)
      warning ??= `${this.longNames} field(s) skipped: names longer than ${MAX_FIELD_NAME_BYTES} bytes`
    if (rows.length === 0) return { ok: false, error: warning ?? 'JSON has no numeric fields' }
    return warning ? { ok: true, rows, warning } : { ok: true, rows }
  }

  private decodeItem(item: unknown, receivedAt: number): DecodedRow | string {
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) return 'JSON number is not finite'
      return this.makeRow(receivedAt, ['value'], [item])
    }
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      return `JSON item is ${describe(item)}, not an object or a number`
    }
    const record = item as Record<string, unknown>
    const tsField = this.timestampField(record)
    let t = receivedAt
    if (tsField !== null) {
      const ts = timestampFromJson(getPath(record, tsField), this.timestamp.format)
      if (ts === null) return `timestamp field "${tsField}" is not a time`
      t = ts
    }
    const fields: string[] = []
    const values: number[] = []
    const found: Found = { fields, values, longNames: 0 }
    if (this.paths.length > 0) {
      for (const path of this.paths) {
        const v = toNumber(getPath(record, path))
        fields.push(path)
        values.push(v)
      }
    } else {
      collectNumbers(record, '', 0, tsField, found)
    }
    if (values.length === 0 || values.every(Number.isNaN)) return 'JSON has no numeric fields'
    this.longNames += found.longNames
    return this.makeRow(t, fields, values)
  }

  private timestampField(record: Record<string, unknown>): string | null {
    const ts = this.timestamp
    if (ts.source === 'receive') return null
    if (ts.source === 'field') return ts.field
    if (ts.field && getPath(record, ts.field) !== undefined) return ts.field
    return AUTO_TS_FIELDS.find((name) => record[name] !== undefined) ?? null
  }

  private makeRow(t: number, fields: string[], values: number[]): DecodedRow {
    // Share one array per distinct field set so downstream caches can key on identity.
    const key = fields.join('\u0000')
    let shared = this.fieldSets.get(key)
    if (!shared) {
      shared = Object.freeze(fields.slice())
      if (this.fieldSets.size < 1000) this.fieldSets.set(key, shared)
    }
    const row: DecodedRow = {
      t,
      fields: shared,
      values,
      text: new Uint8Array(0),
      textStart: 0,
      textEnd: 0
    }
    rowText(row, values)
    return row
  }
}

interface Found {
  fields: string[]
  values: number[]
  longNames: number
}

/** Every numeric (or boolean) field by dot path; stops one past the per-message limit. */
function collectNumbers(
  value: Record<string, unknown>,
  prefix: string,
  depth: number,
  skip: string | null,
  found: Found
): void {
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    if (found.values.length > MAX_FIELDS_PER_MESSAGE) return
    const v = value[key]
    const path = prefix ? `${prefix}.${key}` : key
    if (path === skip) continue
    const numeric = typeof v === 'number' && Number.isFinite(v)
    if (numeric || typeof v === 'boolean') {
      // UTF-8 takes at most 3 bytes per UTF-16 unit: most names need no byte count.
      if (path.length > MAX_FIELD_NAME_BYTES / 3 && byteLength(path) > MAX_FIELD_NAME_BYTES) {
        found.longNames++
        continue
      }
      found.fields.push(path)
      found.values.push(numeric ? v : v ? 1 : 0)
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < MAX_DEPTH) {
      collectNumbers(v as Record<string, unknown>, path, depth + 1, skip, found)
    }
  }
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

function tooManyFields(n: number): string {
  return `JSON item has ${n > MAX_FIELDS_PER_MESSAGE ? 'more than ' : ''}${fmtCount(MAX_FIELDS_PER_MESSAGE)} numeric fields, the limit per message`
}

/** What a JSON value is, in words: never its contents, which may be huge or deep. */
function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return 'a string'
  if (typeof value === 'boolean') return 'a boolean'
  return `a ${typeof value}`
}

function getPath(record: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(record, path)) return record[path]
  let current: unknown = record
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v)
    return Number.isFinite(n) ? n : NaN
  }
  return NaN
}
