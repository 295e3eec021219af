import * as fs from 'node:fs'
import * as zlib from 'node:zlib'
import {
  isMessage,
  MESSAGE_FIELDSET_ID,
  MESSAGE_T,
  MESSAGE_TOPIC_ID,
  messageText,
  RECORD_HEADER,
  readFieldSet,
  readTopic,
  TYPE_FIELDS,
  TYPE_TOPIC,
  type FieldSetDef,
  type TopicDef
} from './journal-format'
import { RecordChunks, type ChunkDamage } from './record-chunks'

/** Longest stretch a read keeps the event loop (start-up, repair) before giving it a turn. */
const YIELD_EVERY_MS = 16

export interface JournalVisitor {
  topic?(def: TopicDef): void
  fieldSet?(def: FieldSetDef): void
  /**
   * `buf[textStart, textEnd)` is the values text, valid only during the call; `body` and
   * `end` bound the whole record (journal-format.ts reads its payload from there).
   */
  message?(
    t: number,
    topicId: number,
    fieldSetId: number,
    buf: Buffer,
    textStart: number,
    textEnd: number,
    body: number,
    end: number
  ): void
  /** Return true to stop reading early (cancel). */
  stopped?(): boolean
}

export interface PartScan {
  /** End of the last whole record: a torn tail after it is what a crash left. */
  validBytes: number
  messages: number
  firstT: number
  lastT: number
  /** Damaged records skipped, and where a torn tail begins. */
  damage: ChunkDamage
  /** The part matched its CRC, so no record needed checking. */
  whole: boolean
}

/**
 * Reads one part, record by record. With the part's CRC, one native pass first tells whether
 * the part is whole; then its records are read unchecked. Otherwise (no CRC, or it does not
 * match) every record's checksum is checked and damaged ones are skipped and counted.
 */
export async function readPart(
  file: string,
  visitor: JournalVisitor,
  options: { limit?: number; crc?: number } = {}
): Promise<PartScan> {
  const whole = options.crc !== undefined && partCrc(file, options.limit) === options.crc
  const reader = new RecordChunks(file, {
    limit: options.limit,
    crc: whole ? options.crc : undefined
  })
  const scan: PartScan = {
    validBytes: 0,
    messages: 0,
    firstT: Infinity,
    lastT: -Infinity,
    damage: reader.damage,
    whole
  }
  let lastYield = performance.now()
  try {
    for (let chunk = reader.next(); chunk; chunk = reader.next()) {
      const { buf } = chunk
      let p = chunk.start
      while (p < chunk.end) {
        const body = p + RECORD_HEADER
        const end = body + buf.readUInt32LE(p)
        visitRecord(buf, body, end, visitor, scan)
        p = end
      }
      scan.validBytes = chunk.consumed
      if (visitor.stopped?.()) break
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve))
        lastYield = performance.now()
      }
    }
  } finally {
    reader.close()
  }
  return scan
}

/** CRC-32 of a file's first `limit` bytes (all of it without a limit), read in pieces. */
export function partCrc(file: string, limit = Infinity): number {
  const fd = fs.openSync(file, 'r')
  try {
    const size = Math.min(fs.fstatSync(fd).size, limit)
    const piece = Buffer.allocUnsafe(1024 * 1024)
    let crc = 0
    for (let at = 0; at < size;) {
      const got = fs.readSync(fd, piece, 0, Math.min(piece.length, size - at), at)
      if (got === 0) break
      crc = zlib.crc32(piece.subarray(0, got), crc)
      at += got
    }
    return crc
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Hands one record, its body in buf[start, end), to the visitor. Exported for readers that
 * walk records themselves (the store writer, which must know where each one ends).
 */
export function visitRecord(
  buf: Buffer,
  start: number,
  end: number,
  visitor: JournalVisitor,
  scan?: Pick<PartScan, 'messages' | 'firstT' | 'lastT'>
): void {
  const type = buf[start]
  if (isMessage(type)) {
    const t = buf.readDoubleLE(start + MESSAGE_T)
    if (scan) {
      scan.messages++
      if (t < scan.firstT) scan.firstT = t
      if (t > scan.lastT) scan.lastT = t
    }
    const [textStart, textEnd] = messageText(buf, start, end)
    visitor.message?.(
      t,
      buf.readUInt32LE(start + MESSAGE_TOPIC_ID),
      buf.readUInt32LE(start + MESSAGE_FIELDSET_ID),
      buf,
      textStart,
      textEnd,
      start,
      end
    )
  } else if (type === TYPE_TOPIC) {
    const def = readTopic(buf, start, end)
    if (def) visitor.topic?.(def)
  } else if (type === TYPE_FIELDS) {
    const def = readFieldSet(buf, start, end)
    if (def) visitor.fieldSet?.(def)
  }
}
