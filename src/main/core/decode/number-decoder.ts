import { isPrintedNumber, parseDecimal } from './number-text'
import type { DecodedRow, DecodeOutcome, Decoder } from './types'
import { preview, rowText, tooLarge } from './types'

/** A payload that is one number, e.g. `1013.25`. */
export class NumberDecoder implements Decoder {
  readonly format = 'number'
  private readonly row: DecodedRow
  private readonly rows: DecodedRow[]
  /** The same answer object each time, like the row: nothing is made per message. */
  private readonly decoded: DecodeOutcome
  /**
   * The value's text, written again for each message: the row's text is copied into the
   * journal before the next message, and a number's text is short ASCII.
   */
  private readonly text = new Uint8Array(32)

  constructor(field: string) {
    this.row = {
      t: 0,
      fields: Object.freeze([field]),
      values: [0],
      text: new Uint8Array(0),
      textStart: 0,
      textEnd: 0
    }
    this.rows = [this.row]
    this.decoded = { ok: true, rows: this.rows }
  }

  decode(payload: Uint8Array, receivedAt: number): DecodeOutcome {
    const large = tooLarge(payload)
    if (large) return { ok: false, error: large }
    const v = parseDecimal(payload, 0, payload.byteLength)
    if (Number.isNaN(v)) {
      return {
        ok: false,
        error: payload.byteLength === 0 ? 'empty payload' : `not a number: "${preview(payload)}"`
      }
    }
    const row = this.row
    row.t = receivedAt
    row.values[0] = v
    if (isPrintedNumber(payload, 0, payload.byteLength)) {
      // Already the text String(v) would make: the payload stands for it (read before the next).
      row.text = payload
      row.textStart = 0
      row.textEnd = payload.byteLength
      return this.decoded
    }
    const text = String(v)
    if (text.length > this.text.length) rowText(row, row.values)
    else {
      for (let i = 0; i < text.length; i++) this.text[i] = text.charCodeAt(i)
      row.text = this.text
      row.textStart = 0
      row.textEnd = text.length
    }
    return this.decoded
  }
}

const NOTHING: DecodeOutcome = Object.freeze({ ok: true, rows: Object.freeze([]) })

/** Counted, never charted. */
export class RawDecoder implements Decoder {
  readonly format = 'raw'
  decode(): DecodeOutcome {
    return NOTHING
  }
}
