import * as fs from 'node:fs'
import { MAGIC, RECORD_HEADER } from './journal-format'

/**
 * Bytes per read. Small on purpose: a read lands in the CPU cache and is formatted from
 * there (73 MB read in 256 KB pieces costs ~14 ms here, in 8 MB pieces ~20 ms).
 */
export const CHUNK = 256 * 1024
/** Room before each read for the previous read's unfinished record. */
export const PORCH = 1024 * 1024
export const MAX_BODY = 64 * 1024 * 1024

/**
 * Where the whole records in buf from p end, before `end`: at a record cut by `end` or at
 * one whose length is impossible (0 or over maxBody).
 */
export type RecordScan = (buf: Buffer, p: number, end: number, maxBody: number) => number

export interface RecordChunk {
  buf: Buffer
  view: DataView
  /** [start, end) holds whole records only. */
  start: number
  end: number
  /** File offset just after `end`: bytes of the part consumed so far. */
  consumed: number
}

/**
 * Reads a journal part as runs of whole records, one read at a time into one buffer (e.g.
 * WebAssembly memory). A record cut by the end of a read is moved into the porch in front
 * of the next read; one larger than the porch gets a larger buffer until it is through.
 * Stops at the first impossible length or an unfinished last record (a torn tail).
 *
 * Reads are synchronous: from the page cache they take microseconds, and a thread-pool
 * round trip per read would cost more than the read and take a core from the writes.
 */
export class RecordChunks {
  private readonly fd: number
  private readonly size: number
  private readonly home: { buf: Buffer; porch: number; chunk: number }
  private buf: Buffer
  private porch: number
  private chunk: number
  private filePos = MAGIC.length
  /** The unfinished record after the last run: [tail, tailEnd) of buf. */
  private tail = 0
  private tailEnd = 0
  private done = false

  constructor(
    file: string,
    limit?: number,
    /** PORCH + CHUNK bytes to read into; allocated when not given. */
    buffer?: Buffer,
    sizes: { porch: number; chunk: number } = { porch: PORCH, chunk: CHUNK },
    /** A faster walk over `buffer` (the export's WebAssembly kernel); others use scanRecords. */
    private readonly fastScan?: RecordScan
  ) {
    this.fd = fs.openSync(file, 'r')
    this.size = Math.min(fs.fstatSync(this.fd).size, limit ?? Infinity)
    this.porch = sizes.porch
    this.chunk = sizes.chunk
    this.buf = buffer ?? Buffer.allocUnsafe(this.porch + this.chunk)
    this.home = { buf: this.buf, porch: this.porch, chunk: this.chunk }
  }

  /** The next run of whole records, or null at the end (or at a torn or corrupt tail). */
  next(): RecordChunk | null {
    while (!this.done) {
      const carry = this.tailEnd - this.tail
      this.placeCarry(carry)
      const want = Math.min(this.chunk, this.size - this.filePos)
      const got = want > 0 ? fs.readSync(this.fd, this.buf, this.porch, want, this.filePos) : 0
      if (got === 0) {
        this.done = true // the end, or a torn last record
        return null
      }
      this.filePos += got
      const { buf } = this
      const start = this.porch - carry
      const end = this.porch + got
      const view = new DataView(buf.buffer, buf.byteOffset, buf.length)
      const scan = this.fastScan && buf === this.home.buf ? this.fastScan : scanRecords
      const p = scan(buf, start, end, MAX_BODY)
      if (p + RECORD_HEADER <= end) {
        const length = view.getUint32(p, true)
        if (length === 0 || length > MAX_BODY) this.done = true // corrupt: stop here
      }
      this.tail = p
      this.tailEnd = end
      if (p > start) return { buf, view, start, end: p, consumed: this.filePos - (end - p) }
    }
    return null
  }

  close(): void {
    fs.closeSync(this.fd)
  }

  /** Moves the unfinished record in front of the next read, in a buffer it fits. */
  private placeCarry(carry: number): void {
    const from = this.buf
    const at = this.tail
    if (carry <= this.home.porch) {
      ;({ buf: this.buf, porch: this.porch, chunk: this.chunk } = this.home)
    } else if (carry > this.porch) {
      // One record larger than the porch (rare: a huge JSON payload).
      this.porch = this.chunk = Math.max(this.home.chunk, 2 ** Math.ceil(Math.log2(carry * 2)))
      this.buf = Buffer.allocUnsafe(this.porch + this.chunk)
    }
    if (carry > 0) from.copy(this.buf, this.porch - carry, at, at + carry)
  }
}

export function scanRecords(buf: Buffer, p: number, end: number, maxBody: number): number {
  while (p + RECORD_HEADER <= end) {
    const length = buf.readUInt32LE(p)
    if (length === 0 || length > maxBody || p + RECORD_HEADER + length > end) break
    p += RECORD_HEADER + length
  }
  return p
}
