import * as fs from 'node:fs'
import { crc32 } from './crc32'
import {
  MAGIC,
  MESSAGE_TEXT_OFFSET,
  RECORD_HEADER,
  TYPE_FIELDS,
  TYPE_MESSAGE,
  TYPE_TOPIC,
  type FieldSetDef,
  type TopicDef
} from './journal-format'

const CHUNK = 4 * 1024 * 1024
const MAX_BODY = 64 * 1024 * 1024

export interface JournalVisitor {
  topic?(def: TopicDef): void
  fieldSet?(def: FieldSetDef): void
  /** `buf[textStart, textEnd)` is the values text; valid only during the call. */
  message?(
    t: number,
    topicId: number,
    fieldSetId: number,
    buf: Buffer,
    textStart: number,
    textEnd: number
  ): void
  /** Bytes consumed so far in this part (for progress). Called after each chunk. */
  progress?(bytesRead: number): void
  /** Return true to stop reading early (cancel). */
  stopped?(): boolean
}

export interface PartScan {
  /** Byte length of the valid prefix: everything after it is a torn or corrupt tail. */
  validBytes: number
  messages: number
  torn: boolean
  firstT: number
  lastT: number
}

/**
 * Reads one part from the start, in 4 MB chunks (memory stays flat), up to `limit` bytes
 * (the writer's flushed length for a part still being written). `verify` checks every
 * record's checksum: needed for a part a crash may have torn, not for parts written or
 * verified by this process.
 */
export async function readPart(
  file: string,
  visitor: JournalVisitor,
  options: { verify?: boolean; limit?: number } = {}
): Promise<PartScan> {
  const handle = await fs.promises.open(file, 'r')
  try {
    let size = Math.min((await handle.stat()).size, options.limit ?? Infinity)
    const scan: PartScan = {
      validBytes: 0,
      messages: 0,
      torn: false,
      firstT: Infinity,
      lastT: -Infinity
    }
    if (size < MAGIC.length) {
      scan.torn = size > 0
      return scan
    }
    const head = Buffer.alloc(MAGIC.length)
    await handle.read(head, 0, MAGIC.length, 0)
    if (!head.equals(MAGIC)) throw new Error(`${file} is not a capture journal`)
    let filePos = MAGIC.length // file offset of buf[0]
    let have = 0 // bytes of buf holding data
    let buf = Buffer.alloc(CHUNK)
    scan.validBytes = filePos
    while (!visitor.stopped?.()) {
      const toRead = Math.min(buf.length - have, size - filePos - have)
      if (toRead > 0) {
        const { bytesRead } = await handle.read(buf, have, toRead, filePos + have)
        have += bytesRead
        if (bytesRead === 0) size = filePos + have // the file shrank under us
      }
      let offset = 0
      let bad = false
      while (offset + RECORD_HEADER <= have) {
        const length = buf.readUInt32LE(offset)
        if (length === 0 || length > MAX_BODY) {
          bad = true
          break
        }
        const bodyEnd = offset + RECORD_HEADER + length
        if (bodyEnd > have) break
        const bodyStart = offset + RECORD_HEADER
        if (options.verify && crc32(buf, bodyStart, bodyEnd) !== buf.readUInt32LE(offset + 4)) {
          bad = true
          break
        }
        if (!visitRecord(buf, bodyStart, bodyEnd, visitor, scan)) {
          bad = true
          break
        }
        offset = bodyEnd
      }
      scan.validBytes = filePos + offset
      if (bad) {
        scan.torn = true
        break
      }
      const atEof = filePos + have >= size
      if (offset === have && atEof) break
      if (offset === 0 && atEof) {
        scan.torn = true // an incomplete last record
        break
      }
      if (offset === 0 && have < RECORD_HEADER) continue
      if (offset === 0) {
        // One record larger than the buffer: grow to hold it.
        const need = RECORD_HEADER + buf.readUInt32LE(0)
        const bigger = Buffer.alloc(Math.max(need, buf.length * 2))
        buf.copy(bigger, 0, 0, have)
        buf = bigger
        continue
      }
      buf.copy(buf, 0, offset, have)
      filePos += offset
      have -= offset
      visitor.progress?.(filePos)
    }
    return scan
  } finally {
    await handle.close()
  }
}

function visitRecord(
  buf: Buffer,
  start: number,
  end: number,
  visitor: JournalVisitor,
  scan: PartScan
): boolean {
  const type = buf[start]
  if (type === TYPE_MESSAGE) {
    if (end - start < MESSAGE_TEXT_OFFSET) return false
    const t = buf.readDoubleLE(start + 1)
    scan.messages++
    if (t < scan.firstT) scan.firstT = t
    if (t > scan.lastT) scan.lastT = t
    visitor.message?.(
      t,
      buf.readUInt32LE(start + 9),
      buf.readUInt32LE(start + 13),
      buf,
      start + MESSAGE_TEXT_OFFSET,
      end
    )
    return true
  }
  if (type === TYPE_TOPIC) {
    const id = buf.readUInt32LE(start + 1)
    const [connection, next] = readStr(buf, start + 5)
    const [topic] = readStr(buf, next)
    visitor.topic?.({ id, connection, topic })
    return true
  }
  if (type === TYPE_FIELDS) {
    const id = buf.readUInt32LE(start + 1)
    const topicId = buf.readUInt32LE(start + 5)
    const n = buf.readUInt16LE(start + 9)
    let at = start + 11
    const names: string[] = []
    const units: string[] = []
    for (let i = 0; i < n; i++) {
      const [name, afterName] = readStr(buf, at)
      const [unit, afterUnit] = readStr(buf, afterName)
      names.push(name)
      units.push(unit)
      at = afterUnit
    }
    visitor.fieldSet?.({ id, topicId, names, units })
    return true
  }
  return false
}

function readStr(buf: Buffer, at: number): [string, number] {
  const length = buf.readUInt16LE(at)
  return [buf.toString('utf8', at + 2, at + 2 + length), at + 2 + length]
}
