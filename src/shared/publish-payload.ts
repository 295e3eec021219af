// The bytes a publish form's payload stands for: text as UTF-8, JSON checked first, hex
// digits (spaces and line breaks between bytes allowed). Used by the form, to say what is
// wrong while typing, and by the core, which never sends what does not check.
import type { PublishFormat } from './topic-types'

export type PayloadResult = { ok: true; bytes: Uint8Array } | { ok: false; error: string }

const encoder = new TextEncoder()

export function hexToBytes(text: string): PayloadResult {
  const digits = text.replace(/\s+/g, '').replace(/^0x/i, '')
  const bad = /[^0-9a-fA-F]/.exec(digits)
  if (bad)
    return { ok: false, error: `Hex may hold only the digits 0-9 and a-f; found "${bad[0]}".` }
  if (digits.length % 2 !== 0)
    return { ok: false, error: 'Hex needs two digits per byte; one digit is left over.' }
  const bytes = new Uint8Array(digits.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16)
  return { ok: true, bytes }
}

export function payloadBytes(format: PublishFormat, text: string): PayloadResult {
  if (format === 'hex') return hexToBytes(text)
  if (format === 'json') {
    try {
      JSON.parse(text)
    } catch (error) {
      return { ok: false, error: `The payload is not valid JSON: ${(error as Error).message}` }
    }
  }
  return { ok: true, bytes: encoder.encode(text) }
}

/** MQTT topic names for publishing: no wildcards, no NUL. */
export function topicProblem(topic: string): string | null {
  if (topic.length === 0) return 'Enter a topic.'
  if (/[+#]/.test(topic))
    return 'A topic to publish to cannot contain + or # (those are for subscribing).'
  if (topic.includes('\u0000')) return 'A topic cannot contain a NUL character.'
  if (encoder.encode(topic).byteLength > 65535) return 'A topic is at most 65,535 bytes.'
  return null
}
