// On-disk layout of a capture's journal. A capture is a folder of parts; each part is an
// append-only file that is readable on its own (it repeats the topic and field definitions
// it uses), so retention can delete whole parts from the oldest end.
//
//   part file  = MAGIC, record*
//   record     = u32 bodyLength, u32 crc32(body), body          (little endian)
//   body       = TOPIC   u8 1, u32 topicId, str connection, str topic
//              | FIELDS  u8 2, u32 fieldSetId, u32 topicId, u16 n, n * (str name, str unit)
//              | MESSAGE u8 3, f64 t (epoch ms), u32 topicId, u32 fieldSetId, valuesText
//   str        = u16 byteLength, UTF-8 bytes
//   valuesText = the values as decoded, comma-joined in field-set order (empty = missing)
//
// A kill mid-write leaves a torn last record; readers stop at the first record whose length
// runs past the end or whose checksum does not match.

export const MAGIC = Buffer.from('MQJNL\u0001\r\n', 'latin1')
export const RECORD_HEADER = 8
export const TYPE_TOPIC = 1
export const TYPE_FIELDS = 2
export const TYPE_MESSAGE = 3
/** Offset of valuesText inside a MESSAGE body. */
export const MESSAGE_TEXT_OFFSET = 1 + 8 + 4 + 4
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
