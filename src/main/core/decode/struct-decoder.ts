import type { TimestampConfig } from '../../../shared/schemas'
import {
  parseStructLayout,
  structFieldNames,
  type StructLayout
} from '../../../shared/struct-layout'
import { halfToNumber, shortestFloat32, shortestHalf, TextBuffer } from './number-format'
import { parseTimestamp } from './timestamp'
import type { DecodedRow, DecodeOutcome, Decoder } from './types'
import { fmtBytes, tooLarge } from './types'

const AUTO_TS_FIELDS = ['ts', 'time', 'timestamp']

/**
 * A packed binary struct with a layout such as `<fff` (three little-endian floats): one row
 * per message, one field per value, named by the user. The payload must be exactly as long
 * as the layout: a different length means the layout does not match what the device sends.
 */
export class StructDecoder implements Decoder {
  readonly format = 'struct'
  private readonly layout: StructLayout | null
  private readonly problem: string | null
  private readonly row: DecodedRow
  private readonly rows: DecodedRow[]
  private readonly text = new TextBuffer()
  /** Index of the value that is the timestamp, or -1. */
  private readonly tsIndex: number
  private readonly tsFormat: TimestampConfig['format']
  private readonly tsName: string
  private readonly layoutText: string

  constructor(layoutText: string, names: readonly string[], timestamp: TimestampConfig) {
    this.layoutText = layoutText.trim()
    const parsed = parseStructLayout(layoutText)
    this.layout = parsed.ok ? parsed.layout : null
    this.problem = parsed.ok ? null : `struct layout: ${parsed.error}`
    const all = this.layout ? structFieldNames(this.layout, names) : []
    this.tsIndex = timestampIndex(all, timestamp)
    this.tsFormat = timestamp.format
    this.tsName = all[this.tsIndex] ?? ''
    this.row = {
      t: 0,
      fields: Object.freeze(all.filter((_, i) => i !== this.tsIndex)),
      values: [],
      text: this.text.bytes,
      textStart: 0,
      textEnd: 0
    }
    this.rows = [this.row]
  }

  decode(payload: Uint8Array, receivedAt: number): DecodeOutcome {
    const layout = this.layout
    if (!layout) return { ok: false, error: this.problem! }
    const large = tooLarge(payload)
    if (large) return { ok: false, error: large }
    if (payload.byteLength !== layout.size) {
      const shorter = payload.byteLength < layout.size
      return {
        ok: false,
        error: `payload is ${fmtBytes(payload.byteLength)} but layout ${this.layoutText} ${shorter ? 'needs' : 'reads only'} ${fmtBytes(layout.size)}${shorter ? '' : ': does the layout match what the device sends?'}`
      }
    }
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
    const little = layout.littleEndian
    const row = this.row
    const values = row.values
    values.length = 0
    let t = receivedAt
    const items = layout.items
    for (let i = 0; i < items.length; i++) {
      const { code, offset } = items[i]
      let v: number
      switch (code) {
        case '?':
          v = view.getUint8(offset) ? 1 : 0
          break
        case 'b':
          v = view.getInt8(offset)
          break
        case 'B':
          v = view.getUint8(offset)
          break
        case 'h':
          v = view.getInt16(offset, little)
          break
        case 'H':
          v = view.getUint16(offset, little)
          break
        case 'i':
        case 'l':
          v = view.getInt32(offset, little)
          break
        case 'I':
        case 'L':
          v = view.getUint32(offset, little)
          break
        case 'q':
          v = Number(view.getBigInt64(offset, little))
          break
        case 'Q':
          v = Number(view.getBigUint64(offset, little))
          break
        case 'e':
          v = shortestHalf(halfToNumber(view.getUint16(offset, little)))
          break
        case 'f':
          v = shortestFloat32(view.getFloat32(offset, little))
          break
        case 'd':
          v = view.getFloat64(offset, little)
          break
      }
      if (!Number.isFinite(v)) v = NaN // NaN and infinities: a missing value
      if (i === this.tsIndex) {
        const ts = parseTimestamp(null, v, this.tsFormat === 'iso' ? 'auto' : this.tsFormat)
        if (ts === null)
          return { ok: false, error: `timestamp field "${this.tsName}" is not a time` }
        t = ts
      } else {
        values.push(v)
      }
    }
    row.t = t
    this.text.reset()
    row.textStart = this.text.appendValues(values)
    row.text = this.text.bytes
    row.textEnd = this.text.length
    return { ok: true, rows: this.rows }
  }
}

function timestampIndex(names: readonly string[], timestamp: TimestampConfig): number {
  if (timestamp.source === 'receive') return -1
  if (timestamp.source === 'field') return names.indexOf(timestamp.field)
  const named = names.indexOf(timestamp.field)
  if (named >= 0) return named
  return names.findIndex((n) => AUTO_TS_FIELDS.includes(n))
}
