import * as fs from 'node:fs'
import * as path from 'node:path'
import * as zlib from 'node:zlib'
import { crc32 } from './crc32'
import {
  CRC_AT,
  fieldSetBody,
  LENGTH_AT,
  MAGIC,
  messageBodyLength,
  NO_FIELDS,
  RECORD_HEADER,
  partFileName,
  type KeptPayload,
  topicBody,
  writeMessageBody,
  type FieldSetDef,
  type TopicDef
} from './journal-format'

const BUFFER_BYTES = 1024 * 1024
/** What may wait in memory while the disk refuses writes (full disk) before we drop. */
const MAX_PENDING_BYTES = 256 * 1024 * 1024

export interface PartIndex {
  seq: number
  messages: number
  bytes: number
  firstT: number
  lastT: number
  /** Definitions used in the part: an export plans its columns from these alone. */
  topics: TopicDef[]
  fieldSets: FieldSetDef[]
  /**
   * CRC-32 of the part's first `bytes` bytes: a reader that finds it whole can trust every
   * record without checking each. Absent for parts that hold skipped damage (and for parts
   * of older versions): those are read record by record.
   */
  crc?: number
  /** Damage found in the part: stretches of bytes that readers skip. */
  damaged?: { regions: number; bytes: number }
}

export interface WriterOptions {
  partBytes: number
  /** Called once per failure episode with a plain-words message, and with null on recovery. */
  onWriteError?: (message: string | null) => void
}

/**
 * Appends records to the current part of one capture. Records collect in a memory buffer
 * and reach the file on `flush()` (the store calls it every 200 ms and on close), so a
 * kill loses at most that much. Writes use explicit positions: after a failed write
 * (ENOSPC) the same bytes are retried at the same place, and nothing buffered is dropped.
 */
export class JournalWriter {
  private fd: number | null = null
  private seq: number
  private flushed = 0
  private pending: Buffer[] = []
  private pendingBytes = 0
  private buf = Buffer.allocUnsafe(BUFFER_BYTES)
  private used = 0
  private emittedTopics = new Set<number>()
  private emittedFieldSets = new Set<number>()
  private part: PartIndex
  private failing = false
  private sealed: PartIndex[] = []
  /** CRC-32 of the flushed bytes of the current part. */
  private crc = 0

  constructor(
    private readonly dir: string,
    firstSeq: number,
    private readonly options: WriterOptions
  ) {
    this.seq = firstSeq
    this.part = emptyIndex(firstSeq)
  }

  get currentPart(): PartIndex {
    return this.part
  }

  get currentFile(): string {
    return path.join(this.dir, partFileName(this.seq))
  }

  /** Bytes of the current part that are on disk and safe to read. */
  get flushedBytes(): number {
    return this.flushed
  }

  /** CRC-32 of those bytes. */
  get flushedCrc(): number {
    return this.crc
  }

  get writeFailing(): boolean {
    return this.failing
  }

  /** Messages not journaled because the disk refused writes for too long. */
  dropped = 0

  /**
   * One row of a message: its values text and what is kept of its payload (the first row
   * carries it; further rows of the same message say PAYLOAD_PREVIOUS). No field set: a
   * message that did not decode, kept for its payload.
   */
  appendMessage(
    topic: TopicDef,
    fieldSet: FieldSetDef | null,
    t: number,
    text: Uint8Array,
    start: number,
    end: number,
    payload: KeptPayload
  ): void {
    if (this.failing && this.pendingBytes > MAX_PENDING_BYTES) {
      this.dropped++
      return
    }
    if (!this.emittedTopics.has(topic.id)) this.writeTopic(topic)
    if (fieldSet && !this.emittedFieldSets.has(fieldSet.id)) this.writeFieldSet(fieldSet)
    const bodyLength = messageBodyLength(end - start, payload)
    const at = this.reserve(RECORD_HEADER + bodyLength)
    const b = this.buf
    const body = at + RECORD_HEADER
    b.writeUInt32LE(bodyLength, at + LENGTH_AT)
    writeMessageBody(b, body, t, topic.id, fieldSet?.id ?? NO_FIELDS, text, start, end, payload)
    b.writeUInt32LE(crc32(b, body, body + bodyLength), at + CRC_AT)
    this.used = body + bodyLength
    const part = this.part
    part.messages++
    if (t < part.firstT) part.firstT = t
    if (t > part.lastT) part.lastT = t
  }

  /** Writes everything buffered. Returns false while the disk refuses (data kept). */
  flush(): boolean {
    this.retire()
    if (this.pendingBytes === 0) return true
    try {
      if (this.fd === null) this.openPart()
      while (this.pending.length > 0) {
        const chunk = this.pending[0]
        let done = 0
        while (done < chunk.length) {
          done += fs.writeSync(this.fd!, chunk, done, chunk.length - done, this.flushed + done)
        }
        this.pending.shift()
        this.pendingBytes -= chunk.length
        this.flushed += chunk.length
        this.crc = zlib.crc32(chunk, this.crc)
      }
      if (this.failing) {
        this.failing = false
        this.options.onWriteError?.(null)
      }
    } catch (error) {
      if (!this.failing) {
        this.failing = true
        this.options.onWriteError?.(describeWriteError(error))
      }
      return false
    }
    if (this.flushed >= this.options.partBytes) this.roll()
    return true
  }

  /** Flushes then makes the data durable (fsync). Cheap to call about once a second. */
  sync(): void {
    // Flush first: the part file is opened by the first flush, so a capture closed before
    // any timer tick still reaches the disk.
    if (this.flush() && this.fd !== null) {
      try {
        fs.fsyncSync(this.fd)
      } catch {
        // fsync failing is reported by the next write; the data is still in the OS cache.
      }
    }
  }

  /** Parts sealed since the last call, each handed over exactly once. */
  takeSealed(): PartIndex[] {
    const sealed = this.sealed
    this.sealed = []
    return sealed
  }

  /** Flushes, syncs and seals the current part; returns the parts not yet taken. */
  close(): PartIndex[] {
    this.sync()
    if (this.fd !== null && !this.failing) this.seal()
    return this.takeSealed()
  }

  private roll(): void {
    this.seal()
    this.seq++
    this.part = emptyIndex(this.seq)
    this.emittedTopics = new Set()
    this.emittedFieldSets = new Set()
  }

  private seal(): void {
    if (this.fd === null) return
    fs.fsyncSync(this.fd)
    fs.closeSync(this.fd)
    this.fd = null
    this.part.bytes = this.flushed
    this.part.crc = this.crc
    const index = { ...this.part }
    fs.writeFileSync(
      path.join(this.dir, partFileName(this.seq).replace(/\.jnl$/, '.idx')),
      JSON.stringify(index)
    )
    this.sealed.push(index)
    this.flushed = 0
  }

  private openPart(): void {
    fs.mkdirSync(this.dir, { recursive: true })
    this.fd = fs.openSync(this.currentFile, 'w')
    fs.writeSync(this.fd, MAGIC, 0, MAGIC.length, 0)
    this.flushed = MAGIC.length
    this.crc = zlib.crc32(MAGIC)
  }

  private writeTopic(def: TopicDef): void {
    this.writeRecord(topicBody(def))
    this.emittedTopics.add(def.id)
    this.part.topics.push(def)
  }

  private writeFieldSet(def: FieldSetDef): void {
    this.writeRecord(fieldSetBody(def))
    this.emittedFieldSets.add(def.id)
    this.part.fieldSets.push(def)
  }

  private writeRecord(body: Buffer): void {
    const at = this.reserve(RECORD_HEADER + body.length)
    const b = this.buf
    b.writeUInt32LE(body.length, at + LENGTH_AT)
    b.writeUInt32LE(crc32(body), at + CRC_AT)
    body.copy(b, at + RECORD_HEADER)
    this.used = at + RECORD_HEADER + body.length
  }

  /** Room for `bytes` at the end of the buffer; returns where to write. */
  private reserve(bytes: number): number {
    if (this.used + bytes > this.buf.length) {
      this.retire()
      if (bytes > this.buf.length) this.buf = Buffer.allocUnsafe(bytes)
    }
    return this.used
  }

  /** Moves the filled buffer to the pending list; the next records go to a fresh one. */
  private retire(): void {
    if (this.used === 0) return
    this.pending.push(this.buf.subarray(0, this.used))
    this.pendingBytes += this.used
    this.buf = Buffer.allocUnsafe(BUFFER_BYTES)
    this.used = 0
  }
}

function emptyIndex(seq: number): PartIndex {
  return {
    seq,
    messages: 0,
    bytes: 0,
    firstT: Infinity,
    lastT: -Infinity,
    topics: [],
    fieldSets: []
  }
}

export function describeWriteError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code
  if (code === 'ENOSPC')
    return 'The disk is full: new readings are kept in memory until there is space again.'
  if (code === 'EACCES' || code === 'EPERM')
    return 'The capture folder is not writable: new readings are kept in memory.'
  if (code === 'EROFS')
    return 'The capture folder is on a read-only disk: new readings are kept in memory.'
  return `Cannot write the capture journal (${code ?? String(error)}): new readings are kept in memory.`
}
