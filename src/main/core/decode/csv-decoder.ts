import { parseDecimal } from './number-text'
import type { DecodedRow, DecodeOutcome, Decoder } from './types'
import { preview, rowText, tooLarge } from './types'
import { parseTimestamp } from './timestamp'
import type { TimestampConfig } from '../../../shared/schemas'
import { fmtCount, MAX_FIELDS_PER_MESSAGE } from '../limits'

/**
 * The reference ESP32 payload: `22.31,1013.25,76.12` with named columns. Extra columns are
 * named col4, col5...; a column that is not a number is left empty and counted as an error.
 */
export class CsvDecoder implements Decoder {
  readonly format = 'csv'
  private readonly sep: number
  private fields: readonly string[]
  private readonly row: DecodedRow
  private readonly rows: DecodedRow[]
  /** Reused for every clean message: the hot path allocates nothing. */
  private readonly okOutcome: DecodeOutcome
  private readonly tsColumn: number
  private readonly tsFormat: TimestampConfig['format']

  constructor(
    private readonly columns: readonly string[],
    separator = ',',
    timestamp?: TimestampConfig
  ) {
    this.sep = separator.charCodeAt(0)
    this.tsColumn =
      timestamp?.source === 'field' ? columns.findIndex((c) => c === timestamp.field) : -1
    this.tsFormat = timestamp?.format ?? 'auto'
    this.fields = columns.filter((_, i) => i !== this.tsColumn)
    this.row = {
      t: 0,
      fields: this.fields,
      values: [],
      text: new Uint8Array(0),
      textStart: 0,
      textEnd: 0
    }
    this.rows = [this.row]
    this.okOutcome = { ok: true, rows: this.rows }
  }

  decode(payload: Uint8Array, receivedAt: number): DecodeOutcome {
    const large = tooLarge(payload)
    if (large) return { ok: false, error: large }
    const row = this.row
    const values = row.values
    values.length = 0
    let start = 0
    let column = 0
    let bad: string | null = null
    let clean = this.sep === 44 && this.tsColumn < 0
    let t = receivedAt
    const end = trimEnd(payload)
    if (end === 0) return { ok: false, error: 'empty payload' }
    for (let i = 0; i <= end; i++) {
      if (i !== end && payload[i] !== this.sep) continue
      if (values.length === MAX_FIELDS_PER_MESSAGE) {
        return {
          ok: false,
          error: `CSV payload has more than ${fmtCount(MAX_FIELDS_PER_MESSAGE)} columns; messages over this limit are counted, not charted`
        }
      }
      const v = parseDecimal(payload, start, i)
      if (column === this.tsColumn) {
        const ts = parseTimestamp(payloadText(payload, start, i), v, this.tsFormat)
        if (ts === null)
          bad ??= `timestamp column is not a time: "${payloadText(payload, start, i)}"`
        else t = ts
      } else {
        if (Number.isNaN(v)) {
          bad ??= `column ${this.columnName(column)}: "${payloadText(payload, start, i)}" is not a number`
          clean = false
        } else if (clean && !plainNumber(payload, start, i)) {
          clean = false
        }
        values.push(v)
      }
      column++
      start = i + 1
    }
    if (values.length > this.fields.length) this.growFields(values.length)
    if (values.every(Number.isNaN)) {
      return { ok: false, error: bad ?? `not CSV: "${preview(payload)}"` }
    }
    row.t = t
    row.fields =
      values.length === this.fields.length ? this.fields : this.fields.slice(0, values.length)
    if (clean) {
      row.text = payload
      row.textStart = 0
      row.textEnd = end
    } else {
      rowText(row, values)
    }
    if (bad) return { ok: true, rows: this.rows, warning: bad }
    return this.okOutcome
  }

  private columnName(column: number): string {
    return this.columns[column] ?? `col${column + 1}`
  }

  private growFields(n: number): void {
    const names = [...this.fields]
    for (let i = names.length; i < n; i++) names.push(`col${i + 1 + (this.tsColumn >= 0 ? 1 : 0)}`)
    this.fields = names
  }
}

function trimEnd(payload: Uint8Array): number {
  let end = payload.byteLength
  while (end > 0 && (payload[end - 1] === 10 || payload[end - 1] === 13 || payload[end - 1] === 32))
    end--
  return end
}

/** True when the bytes are already the canonical text: no spaces, no leading '+'. */
function plainNumber(payload: Uint8Array, start: number, end: number): boolean {
  if (payload[start] === 43) return false
  for (let i = start; i < end; i++) {
    const c = payload[i]
    if (c === 32 || c === 9) return false
  }
  return true
}

function payloadText(payload: Uint8Array, start: number, end: number): string {
  let text = ''
  for (let i = start; i < Math.min(end, start + 40); i++) text += String.fromCharCode(payload[i])
  return text.trim()
}
