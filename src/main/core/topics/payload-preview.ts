// What the tree and the inspector say about a payload: its decoded values when the topic's
// decoder reads it, else its text, else its bytes in hex. Decoding here is on demand, for
// the few rows and messages on screen, never per received message.
import type { Profile } from '../../../shared/schemas'
import { decoderSchema } from '../../../shared/schemas'
import { payloadText } from '../../../shared/payload-text'
import type { PreviewKind, TopicMessage } from '../../../shared/topic-types'
import { createDecoder, type Decoder } from '../decode'
import { topicMatches } from '../ingest'

const PREVIEW_CHARS = 120
const PREVIEW_HEX_BYTES = 24
const MAX_VALUES = 200

/** A fresh decoder for the topic, as its subscription's Decoding configures it. */
export function decoderFor(profile: Profile | null, topic: string): Decoder {
  const config = profile?.topics.find((t) => topicMatches(t.filter, topic))
  return createDecoder(config?.decoder ?? decoderSchema.parse({}))
}

export function hexHead(payload: Uint8Array, bytes = PREVIEW_HEX_BYTES): string {
  const n = Math.min(payload.byteLength, bytes)
  const parts: string[] = []
  for (let i = 0; i < n; i++) parts.push(payload[i].toString(16).padStart(2, '0'))
  return payload.byteLength > n ? `${parts.join(' ')} …` : parts.join(' ')
}

function fmtValue(v: number): string {
  return Number.isFinite(v) ? String(v) : 'NaN'
}

export interface Decoded {
  values?: { field: string; value: number }[]
  rows?: number
  decodeError?: string
}

/** The numeric fields of the payload's first row, as the topic's decoder reads them. */
export function decodeValues(decoder: Decoder, payload: Uint8Array, at: number): Decoded {
  try {
    const outcome = decoder.decode(payload, at)
    if (!outcome.ok) return { decodeError: outcome.error }
    const row = outcome.rows[0]
    if (!row) return { rows: 0 }
    const values: { field: string; value: number }[] = []
    for (let i = 0; i < row.fields.length && values.length < MAX_VALUES; i++) {
      if (!Number.isNaN(row.values[i])) values.push({ field: row.fields[i], value: row.values[i] })
    }
    return { values, rows: outcome.rows.length }
  } catch (error) {
    return { decodeError: `could not be decoded (${String((error as Error)?.message ?? error)})` }
  }
}

/**
 * One line for the tree: decoded values, else text, else hex. `head` is the payload's start
 * (`size` bytes in all): a payload kept only in part is previewed as text or hex.
 */
export function previewLine(
  decoder: Decoder,
  head: Uint8Array,
  size: number,
  at: number
): { kind: PreviewKind; text: string } {
  if (size === 0) return { kind: 'empty', text: '(empty)' }
  const whole = head.byteLength === size
  const decoded = whole ? decodeValues(decoder, head, at) : null
  if (decoded?.values && decoded.values.length > 0) {
    const text = decoded.values.map((v) => `${v.field} ${fmtValue(v.value)}`).join(' · ')
    return { kind: 'values', text: clip(text) }
  }
  const more = whole ? '' : '…'
  // A multi-byte character cut at the end of a partial head is dropped, not garbled.
  const text = payloadText(whole ? head : trimUtf8(head))
  if (text !== null) return { kind: 'text', text: clip(text.replace(/\s+/g, ' ').trim() + more) }
  return {
    kind: 'hex',
    text: hexHead(head) + (whole || head.byteLength > PREVIEW_HEX_BYTES ? '' : ' …')
  }
}

/** The bytes up to the last whole UTF-8 character. */
function trimUtf8(bytes: Uint8Array): Uint8Array {
  let end = bytes.byteLength
  let back = 0
  while (end - back > 0 && back < 4 && (bytes[end - back - 1] & 0xc0) === 0x80) back++
  const lead = bytes[end - back - 1]
  if (lead !== undefined && lead >= 0xc0) end = end - back - 1
  return bytes.subarray(0, end)
}

function clip(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text
}

/** Fills a message's decoded fields in place. */
export function withDecoded(message: TopicMessage, decoder: Decoder, full: Uint8Array): void {
  const decoded = decodeValues(decoder, full, message.at)
  if (decoded.values) message.values = decoded.values
  if (decoded.rows !== undefined) message.rows = decoded.rows
  if (decoded.decodeError) message.decodeError = decoded.decodeError
}
