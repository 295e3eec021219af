import type { SparkplugExtra } from '../../../shared/sparkplug-types'

/** One decoded message: `values[i]` belongs to `fields[i]`; NaN marks a missing value. */
export interface DecodedRow {
  t: number
  fields: readonly string[]
  values: number[]
  /**
   * The topic these series belong to when it is not the MQTT topic the message came on:
   * Sparkplug charts a device's metrics under `<group>/<edge node>/<device>` whichever of its
   * topics (birth or data) carried them. Absent for every other format.
   */
  seriesTopic?: string
  /**
   * The values as text, comma-joined in field order (empty where missing): what the journal
   * keeps and the CSV export writes. The CSV decoder passes the payload bytes through when
   * they are already in that form, so the common case copies instead of formatting.
   */
  text: Uint8Array
  textStart: number
  textEnd: number
}

export type DecodeOutcome =
  | {
      ok: true
      rows: readonly DecodedRow[]
      warning?: string
      /** Values that are not charted (Sparkplug text, DataSets, Templates...), for the inspector. */
      extras?: readonly SparkplugExtra[]
    }
  | { ok: false; error: string }

export interface Decoder {
  /** Short name shown per topic: csv, json, number, raw, cbor, msgpack, protobuf, struct, sparkplug. */
  readonly format: string
  /** Rows are reused by the next call: consume them before decoding again. */
  decode(payload: Uint8Array, receivedAt: number): DecodeOutcome
}

/** Payloads above this are counted as errors without being parsed. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024

export function tooLarge(payload: Uint8Array): string | null {
  if (payload.byteLength <= MAX_PAYLOAD_BYTES) return null
  return `payload too large (${(payload.byteLength / 1048576).toFixed(1)} MB; limit 1 MB)`
}

const encoder = new TextEncoder()

export function rowText(row: DecodedRow, values: readonly number[]): void {
  const text = values.map((v) => (Number.isNaN(v) ? '' : String(v))).join(',')
  row.text = encoder.encode(text)
  row.textStart = 0
  row.textEnd = row.text.byteLength
}

export function preview(payload: Uint8Array): string {
  let text = ''
  const n = Math.min(payload.byteLength, 40)
  for (let i = 0; i < n; i++) {
    const c = payload[i]
    text += c >= 32 && c < 127 ? String.fromCharCode(c) : '\u00b7'
  }
  return payload.byteLength > n ? `${text}…` : text
}

/** A byte count in words: "12 bytes", "3.5 KB", "4.0 GB". */
export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} byte${n === 1 ? '' : 's'}`
  const units = ['KB', 'MB', 'GB', 'TB', 'PB', 'EB']
  let v = n / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${v.toFixed(1)} ${units[u]}`
}
