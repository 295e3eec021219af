import * as fs from 'node:fs'
import * as path from 'node:path'
import * as zlib from 'node:zlib'
import { crc32 } from './crc32'
import {
  CRC_AT,
  fieldSetBodyLength,
  LENGTH_AT,
  MAGIC,
  messageBodyLength,
  NO_FIELDS,
  RECORD_HEADER,
  partFileName,
  type KeptPayload,
  topicBodyLength,
  writeFieldSetBody,
  writeMessageBody,
  writeTopicBody,
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
  private emittedTopics = new IdSet()
  private emittedFieldSets = new IdSet()
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
    if (this.pendingBytes === 0 && this.used === 0) return true
    try {
      if (this.fd === null) this.openPart()
      while (this.pending.length > 0) {
        const chunk = this.pending[0]
        this.writeAt(chunk, chunk.length)
        this.pending.shift()
        this.pendingBytes -= chunk.length
      }
      // The buffer is written where it is and then reused: a fresh one at every flush would
      // leave megabytes a second of dead buffers to the garbage collector (and to malloc).
      if (this.used > 0) {
        this.writeAt(this.buf, this.used)
        this.used = 0
      }
      if (this.failing) {
        this.failing = false
        this.options.onWriteError?.(null)
      }
    } catch (error) {
      // Nothing moves: the next flush writes the same bytes at the same place again.
      if (!this.failing) {
        this.failing = true
        this.options.onWriteError?.(describeWriteError(error))
      }
      return false
    }
    if (this.flushed >= this.options.partBytes) this.roll()
    return true
  }

  /** Writes bytes [0, length) of `chunk` at the end of the part, all or (by throwing) none. */
  private writeAt(chunk: Buffer, length: number): void {
    let done = 0
    while (done < length) {
      done += fs.writeSync(this.fd!, chunk, done, length - done, this.flushed + done)
    }
    this.flushed += length
    this.crc = zlib.crc32(chunk.subarray(0, length), this.crc)
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
    this.emittedTopics = new IdSet()
    this.emittedFieldSets = new IdSet()
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
    const at = this.reserve(RECORD_HEADER + topicBodyLength(def))
    this.closeRecord(at, writeTopicBody(this.buf, at + RECORD_HEADER, def))
    this.emittedTopics.add(def.id)
    this.part.topics.push(def)
  }

  private writeFieldSet(def: FieldSetDef): void {
    const at = this.reserve(RECORD_HEADER + fieldSetBodyLength(def))
    this.closeRecord(at, writeFieldSetBody(this.buf, at + RECORD_HEADER, def))
    this.emittedFieldSets.add(def.id)
    this.part.fieldSets.push(def)
  }

  /** Writes the header of the record at `at` whose body was written up to `end`. */
  private closeRecord(at: number, end: number): void {
    const b = this.buf
    const body = at + RECORD_HEADER
    b.writeUInt32LE(end - body, at + LENGTH_AT)
    b.writeUInt32LE(crc32(b, body, end), at + CRC_AT)
    this.used = end
  }

  /**
   * Room for `bytes` at the end of the buffer; returns where to write. A full buffer waits in
   * the pending list (until the next flush) and the records go on in a fresh one.
   */
  private reserve(bytes: number): number {
    if (this.used + bytes > this.buf.length) {
      if (this.used > 0) {
        this.pending.push(this.buf.subarray(0, this.used))
        this.pendingBytes += this.used
      }
      this.buf = Buffer.allocUnsafe(Math.max(BUFFER_BYTES, bytes))
      this.used = 0
    }
    return this.used
  }
}

/** Ids a bitmap holds at most; further ones (never seen: ids count from 1 per run) go to a set. */
const MAX_BITMAP_IDS = 1 << 23

/**
 * The definitions a part has written, by id. Ids are dense, so one bit each instead of a set
 * entry: a broker with 100,000 topics has 200,000 of them in every part.
 */
class IdSet {
  private bits = new Uint8Array(256)
  private readonly beyond = new Set<number>()

  has(id: number): boolean {
    const byte = id >>> 3
    if (byte < this.bits.length) return (this.bits[byte] & (1 << (id & 7))) !== 0
    return id >= MAX_BITMAP_IDS && this.beyond.has(id)
  }

  add(id: number): void {
    if (id >= MAX_BITMAP_IDS) {
      this.beyond.add(id)
      return
    }
    const byte = id >>> 3
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(
        Math.min(MAX_BITMAP_IDS >>> 3, Math.max(byte + 1, this.bits.length * 2))
      )
      grown.set(this.bits)
      this.bits = grown
    }
    this.bits[byte] |= 1 << (id & 7)
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
