// The journal's on-disk layout: the one definition that the writer, the readers, the CSV
// formatter and the export's WebAssembly kernel (through its parameters) all take.
//
// A capture is a folder of parts; each part is an append-only file readable on its own (it
// repeats the topic and field definitions it uses), so retention can delete whole parts from
// the oldest end.
//
//   part file  = MAGIC, record*
//   record     = u32 bodyLength, u32 crc32(body), body          (little endian)
//   body       = TOPIC   u8 1, u32 topicId, str connection, str topic
//              | FIELDS  u8 2, u32 fieldSetId, u32 topicId, u16 n, n * (str name, str unit)
//              | MESSAGE u8 4, f64 t (epoch ms), u32 topicId, u32 fieldSetId, u32 textLength,
//                        u32 payloadSize, u8 payloadKind, valuesText, payload
//              | MESSAGE_V1 u8 3, f64 t, u32 topicId, u32 fieldSetId, valuesText
//                        (written by the first release: read, never written)
//   str        = u16 byteLength, UTF-8 bytes
//   valuesText = the values as decoded, comma-joined in field-set order (empty = missing)
//   fieldSetId = 0: a message that did not decode (no values, its payload kept)
//   payload    = the message's bytes, as payloadKind says (PAYLOAD_*); payloadSize is always
//                the size the message had
//
// Every field an input reaches is bounded before it is written (core/limits.ts): no count
// or length can overflow its width. A kill mid-write leaves a torn last record; a damaged
// record fails its checksum and readers skip to the next whole one.

export const MAGIC = Buffer.from('MQJNL\u0001\r\n', 'latin1')
export const RECORD_HEADER = 8
/** Offsets in a record: the body length, then the checksum of the body. */
export const LENGTH_AT = 0
export const CRC_AT = 4
/** Bodies longer than this are damage, not data: the largest real one is far smaller. */
export const MAX_BODY = 16 * 1024 * 1024

export const TYPE_TOPIC = 1
export const TYPE_FIELDS = 2
export const TYPE_MESSAGE_V1 = 3
export const TYPE_MESSAGE = 4

/** Offsets inside a MESSAGE body (after its type byte at 0); V1 has the first three. */
export const MESSAGE_T = 1
export const MESSAGE_TOPIC_ID = 9
export const MESSAGE_FIELDSET_ID = 13
export const MESSAGE_TEXT_LENGTH = 17
export const MESSAGE_PAYLOAD_SIZE = 21
export const MESSAGE_PAYLOAD_KIND = 25
export const MESSAGE_TEXT_OFFSET = 26
export const MESSAGE_V1_TEXT_OFFSET = 17

/** The whole payload follows the values text. */
export const PAYLOAD_WHOLE = 0
/** The payload is the values text itself (CSV sent in the journal's own form): kept once. */
export const PAYLOAD_IS_TEXT = 1
/** Only the payload's first bytes follow: it was larger than the capture keeps. */
export const PAYLOAD_TRUNCATED = 2
/** No payload here: a further row of the message of the record before. */
export const PAYLOAD_PREVIOUS = 3
/** A message with no decoded values (fieldSetId 0). */
export const NO_FIELDS = 0
/** Offsets inside TOPIC and FIELDS bodies. */
export const TOPIC_ID = 1
export const TOPIC_STRINGS = 5
export const FIELDS_ID = 1
export const FIELDS_TOPIC_ID = 5
export const FIELDS_COUNT = 9
export const FIELDS_STRINGS = 11

/** The most a FIELDS record's u16 count and a str's u16 length can say. */
export const MAX_SET_FIELDS = 0xffff
export const MAX_STR_BYTES = 0xffff

export interface TopicDef {
  id: number
  connection: string
  topic: string
}

/** The fields of one topic's messages; a topic whose payload shape changes gets another set. */
export interface FieldSetDef {
  id: number
  topicId: number
  names: readonly string[]
  units: readonly string[]
}

export function partFileName(seq: number): string {
  return `part-${String(seq).padStart(6, '0')}.jnl`
}

export function partSeq(fileName: string): number | null {
  const match = /^part-(\d{6,})\.jnl$/.exec(fileName)
  return match ? Number(match[1]) : null
}

/** Bytes of a TOPIC record's body. */
export function topicBodyLength(def: TopicDef): number {
  return TOPIC_STRINGS + strLength(def.connection) + strLength(def.topic)
}

/** Writes a TOPIC body at `at` (room for topicBodyLength() made); returns where it ends. */
export function writeTopicBody(b: Buffer, at: number, def: TopicDef): number {
  b[at] = TYPE_TOPIC
  b.writeUInt32LE(def.id, at + TOPIC_ID)
  return writeStr(b, writeStr(b, at + TOPIC_STRINGS, def.connection), def.topic)
}

/** Bytes of a FIELDS record's body. */
export function fieldSetBodyLength(def: FieldSetDef): number {
  const n = Math.min(def.names.length, MAX_SET_FIELDS)
  let length = FIELDS_STRINGS
  for (let i = 0; i < n; i++) length += strLength(def.names[i]) + strLength(def.units[i] ?? '')
  return length
}

/** Writes a FIELDS body at `at` (room for fieldSetBodyLength() made); returns where it ends. */
export function writeFieldSetBody(b: Buffer, at: number, def: FieldSetDef): number {
  const n = Math.min(def.names.length, MAX_SET_FIELDS)
  b[at] = TYPE_FIELDS
  b.writeUInt32LE(def.id, at + FIELDS_ID)
  b.writeUInt32LE(def.topicId, at + FIELDS_TOPIC_ID)
  b.writeUInt16LE(n, at + FIELDS_COUNT)
  let end = at + FIELDS_STRINGS
  for (let i = 0; i < n; i++) end = writeStr(b, writeStr(b, end, def.names[i]), def.units[i] ?? '')
  return end
}

/** What a MESSAGE record keeps of its payload: the bytes to write and how to read them. */
export interface KeptPayload {
  kind: number
  /** The size the message had. */
  size: number
  /** Bytes written after the values text (none for PAYLOAD_IS_TEXT and PAYLOAD_PREVIOUS). */
  bytes: Uint8Array
}

/** Writes a MESSAGE body at `at`; the caller has made room for messageBodyLength(). */
export function writeMessageBody(
  b: Buffer,
  at: number,
  t: number,
  topicId: number,
  fieldSetId: number,
  text: Uint8Array,
  start: number,
  end: number,
  payload: KeptPayload
): number {
  b[at] = TYPE_MESSAGE
  b.writeDoubleLE(t, at + MESSAGE_T)
  b.writeUInt32LE(topicId, at + MESSAGE_TOPIC_ID)
  b.writeUInt32LE(fieldSetId, at + MESSAGE_FIELDSET_ID)
  b.writeUInt32LE(end - start, at + MESSAGE_TEXT_LENGTH)
  b.writeUInt32LE(payload.size, at + MESSAGE_PAYLOAD_SIZE)
  b[at + MESSAGE_PAYLOAD_KIND] = payload.kind
  const textAt = at + MESSAGE_TEXT_OFFSET
  for (let i = start; i < end; i++) b[textAt + i - start] = text[i]
  b.set(payload.bytes, textAt + end - start)
  return textAt + end - start + payload.bytes.length
}

export function messageBodyLength(textBytes: number, payload: KeptPayload): number {
  return MESSAGE_TEXT_OFFSET + textBytes + payload.bytes.length
}

/** Where a message body's values text lies, for either message type. */
export function messageText(buf: Uint8Array, body: number, end: number): [number, number] {
  if (buf[body] === TYPE_MESSAGE_V1) return [body + MESSAGE_V1_TEXT_OFFSET, end]
  const start = body + MESSAGE_TEXT_OFFSET
  return [start, Math.min(end, start + readU32(buf, body + MESSAGE_TEXT_LENGTH))]
}

/** A message's kept payload: its kind, full size and the bytes [start, end) of `buf`. */
export function messagePayload(
  buf: Uint8Array,
  body: number,
  end: number
): { kind: number; size: number; start: number; end: number } | null {
  if (buf[body] !== TYPE_MESSAGE) return null // the first release kept no payloads
  const [, textEnd] = messageText(buf, body, end)
  const kind = buf[body + MESSAGE_PAYLOAD_KIND]
  const size = readU32(buf, body + MESSAGE_PAYLOAD_SIZE)
  if (kind === PAYLOAD_IS_TEXT)
    return { kind, size, start: body + MESSAGE_TEXT_OFFSET, end: textEnd }
  return { kind, size, start: textEnd, end }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** A kept payload's bytes as text: themselves when they are UTF-8, else base64. */
export function payloadAsText(bytes: Uint8Array): { text: string; encoding: 'text' | 'base64' } {
  try {
    return { text: utf8.decode(bytes), encoding: 'text' }
  } catch {
    return { text: Buffer.from(bytes).toString('base64'), encoding: 'base64' }
  }
}

export function isMessage(type: number): boolean {
  return type === TYPE_MESSAGE || type === TYPE_MESSAGE_V1
}

function readU32(buf: Uint8Array, at: number): number {
  return (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24)) >>> 0
}

/** A TOPIC body in buf[start, end), or null when it does not hold together. */
export function readTopic(buf: Buffer, start: number, end: number): TopicDef | null {
  if (end - start < TOPIC_STRINGS + 4) return null
  const connection = readStr(buf, start + TOPIC_STRINGS, end)
  if (!connection) return null
  const topic = readStr(buf, connection.next, end)
  if (!topic || topic.next !== end) return null
  return { id: buf.readUInt32LE(start + TOPIC_ID), connection: connection.text, topic: topic.text }
}

/** A FIELDS body in buf[start, end), or null when it does not hold together. */
export function readFieldSet(buf: Buffer, start: number, end: number): FieldSetDef | null {
  if (end - start < FIELDS_STRINGS) return null
  const n = buf.readUInt16LE(start + FIELDS_COUNT)
  const names: string[] = []
  const units: string[] = []
  let at = start + FIELDS_STRINGS
  for (let i = 0; i < n; i++) {
    const name = readStr(buf, at, end)
    const unit = name && readStr(buf, name.next, end)
    if (!unit) return null
    names.push(name.text)
    units.push(unit.text)
    at = unit.next
  }
  if (at !== end) return null
  return {
    id: buf.readUInt32LE(start + FIELDS_ID),
    topicId: buf.readUInt32LE(start + FIELDS_TOPIC_ID),
    names,
    units
  }
}

/** Whether a body's type byte and length fit one of the record kinds. */
export function plausibleBody(buf: Uint8Array, start: number, length: number): boolean {
  const type = buf[start]
  if (type === TYPE_MESSAGE)
    return (
      length >= MESSAGE_TEXT_OFFSET &&
      readU32(buf, start + MESSAGE_TEXT_LENGTH) <= length - MESSAGE_TEXT_OFFSET &&
      buf[start + MESSAGE_PAYLOAD_KIND] <= PAYLOAD_PREVIOUS
    )
  if (type === TYPE_MESSAGE_V1) return length >= MESSAGE_V1_TEXT_OFFSET
  if (type === TYPE_TOPIC) return length >= TOPIC_STRINGS + 4
  if (type === TYPE_FIELDS) return length >= FIELDS_STRINGS
  return false
}

/** Strings up to this long are measured and written here: a native call costs more. */
const SHORT_STR = 64

/** The UTF-8 length of a short ASCII string (its length), or -1 when it is not one. */
function asciiLength(text: string): number {
  if (text.length > SHORT_STR) return -1
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return -1
  return text.length
}

/** Bytes a str takes: u16 length and the UTF-8 bytes, cut to what the u16 can say. */
function strLength(text: string): number {
  const ascii = asciiLength(text)
  if (ascii >= 0) return 2 + ascii
  return 2 + Math.min(Buffer.byteLength(text, 'utf8'), MAX_STR_BYTES)
}

/** Writes a str at `at` (room for strLength() made) straight into the record's buffer. */
function writeStr(b: Buffer, at: number, text: string): number {
  let length = asciiLength(text)
  if (length >= 0) {
    for (let i = 0; i < length; i++) b[at + 2 + i] = text.charCodeAt(i)
  } else {
    length = Buffer.byteLength(text, 'utf8')
    if (length <= MAX_STR_BYTES) b.write(text, at + 2, length, 'utf8')
    else {
      // Cut at the limit, as the length says (a character may be cut: readers take it whole).
      Buffer.from(text, 'utf8').copy(b, at + 2, 0, MAX_STR_BYTES)
      length = MAX_STR_BYTES
    }
  }
  b[at] = length & 0xff
  b[at + 1] = length >>> 8
  return at + 2 + length
}

function readStr(buf: Buffer, at: number, end: number): { text: string; next: number } | null {
  if (at + 2 > end) return null
  const next = at + 2 + buf.readUInt16LE(at)
  if (next > end) return null
  return { text: buf.toString('utf8', at + 2, next), next }
}
