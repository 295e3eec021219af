// What every decoder of named fields shares (JSON, CBOR, MessagePack, protobuf): collecting
// (dot path, number) pairs within the per-message limits, and making rows whose field lists
// are shared arrays and whose text is written without String().
import { fmtCount, MAX_FIELD_NAME_BYTES, MAX_FIELDS_PER_MESSAGE } from '../limits'
import { TextBuffer } from './number-format'
import type { DecodedRow } from './types'

/** Field lists remembered per decoder, so equal lists are one array downstream. */
const MAX_FIELD_SETS = 1000

/** The numeric fields of one row as they are found, with the names skipped as too long. */
export class FieldCollector {
  // Written by index and cut to size when read: emptying an array with `length = 0` gives
  // its storage away, and every message would allocate it again.
  private readonly fieldList: string[] = []
  private readonly valueList: number[] = []
  private n = 0
  longNames = 0

  /** The fields found, in order (the array is reused: read it before the next clear()). */
  get fields(): string[] {
    this.trim()
    return this.fieldList
  }

  get values(): number[] {
    this.trim()
    return this.valueList
  }

  /** True once more fields were found than one message may carry. */
  get over(): boolean {
    return this.n > MAX_FIELDS_PER_MESSAGE
  }

  add(path: string, value: number): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: most names need no byte count.
    if (path.length > MAX_FIELD_NAME_BYTES / 3 && byteLength(path) > MAX_FIELD_NAME_BYTES) {
      this.longNames++
      return
    }
    this.push(path, value)
  }

  /** Adds a field without checking its name (a path the user chose). */
  push(path: string, value: number): void {
    this.fieldList[this.n] = path
    this.valueList[this.n++] = value
  }

  clear(): void {
    this.n = 0
    this.longNames = 0
  }

  private trim(): void {
    if (this.fieldList.length === this.n) return
    this.fieldList.length = this.n
    this.valueList.length = this.n
  }
}

/** Rows with shared field lists and text written into one buffer per message. */
export class RowFactory {
  private readonly fieldSets = new Map<string, readonly string[]>()
  private last: readonly string[] = []
  readonly text = new TextBuffer()

  /** Call once per message, before its first row. */
  startMessage(): void {
    this.text.reset()
  }

  /** The shared frozen copy of `fields` (the same array for the same names). */
  shared(fields: readonly string[]): readonly string[] {
    const last = this.last
    if (last.length === fields.length) {
      let same = true
      for (let i = 0; i < fields.length && same; i++) same = last[i] === fields[i]
      if (same) return last
    }
    const key = fields.join('\u0000')
    let shared = this.fieldSets.get(key)
    if (!shared) {
      shared = Object.freeze(fields.slice())
      if (this.fieldSets.size < MAX_FIELD_SETS) this.fieldSets.set(key, shared)
    }
    this.last = shared
    return shared
  }

  /** A new row owning `values`; `fields` must already be shared (or is made so). */
  makeRow(t: number, fields: readonly string[], values: number[]): DecodedRow {
    const row: DecodedRow = {
      t,
      fields: Object.isFrozen(fields) ? fields : this.shared(fields),
      values,
      text: this.text.bytes,
      textStart: 0,
      textEnd: 0
    }
    this.fillText(row)
    return row
  }

  /** (Re)writes a row's text from its values. */
  fillText(row: DecodedRow): void {
    const start = this.text.appendValues(row.values)
    row.text = this.text.bytes
    row.textStart = start
    row.textEnd = this.text.length
  }
}

/**
 * A row reused from message to message whose text is written from its values when it is
 * first read, into the decoder's buffer for the message: the journal reads it once per
 * message, and nothing else needs it, so decoding alone does not pay for it. Call stale()
 * whenever the values change (each message).
 */
export class LazyTextRow implements DecodedRow {
  t = 0
  values: number[] = []
  declare seriesTopic?: string
  private bytes: Uint8Array = new Uint8Array(0)
  private start = 0
  private end = -1

  constructor(
    public fields: readonly string[],
    private readonly buffer: TextBuffer
  ) {}

  stale(): void {
    this.end = -1
  }

  get text(): Uint8Array {
    if (this.end < 0) this.write()
    return this.bytes
  }

  get textStart(): number {
    if (this.end < 0) this.write()
    return this.start
  }

  get textEnd(): number {
    if (this.end < 0) this.write()
    return this.end
  }

  private write(): void {
    this.start = this.buffer.appendValues(this.values)
    // The buffer may have grown for this row: the bytes are those of the array written to.
    this.bytes = this.buffer.bytes
    this.end = this.buffer.length
  }
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

export function tooManyFields(label: string, n: number): string {
  return `${label} item has ${n > MAX_FIELDS_PER_MESSAGE ? 'more than ' : ''}${fmtCount(MAX_FIELDS_PER_MESSAGE)} numeric fields, the limit per message`
}

export function longNamesWarning(n: number): string {
  return `${n} field(s) skipped: names longer than ${MAX_FIELD_NAME_BYTES} bytes`
}

/** What a decoded value is, in words: never its contents, which may be huge or deep. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return 'a string'
  if (typeof value === 'boolean') return 'a boolean'
  if (value instanceof Uint8Array) return 'a byte string'
  if (value instanceof Date) return 'a date'
  return `a ${typeof value}`
}

/** The value at a dot path (`sensor.temp`, `list.0`); a key with dots in it is tried first. */
export function getPath(record: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(record, path)) return record[path]
  let current: unknown = record
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current
}

/** A chosen field's value as a number: numbers, booleans, big integers, numeric strings. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'bigint') return Number(v)
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v)
    return Number.isFinite(n) ? n : NaN
  }
  return NaN
}
