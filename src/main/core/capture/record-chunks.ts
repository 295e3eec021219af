import * as fs from 'node:fs'
import * as zlib from 'node:zlib'
import { crc32 } from './crc32'
import { CRC_AT, isMessage, MAGIC, MAX_BODY, plausibleBody, RECORD_HEADER } from './journal-format'

/**
 * Bytes per read. Small on purpose: a read lands in the CPU cache and is formatted (and
 * checksummed) from there.
 */
export const CHUNK = 256 * 1024
/** Room before each read for the previous read's unfinished record. */
export const PORCH = 1024 * 1024

export interface RecordChunk {
  buf: Buffer
  view: DataView
  /** [start, end) holds whole records only (checked ones, when verifying). */
  start: number
  end: number
  /** File offset just after `end`: bytes of the part consumed so far. */
  consumed: number
}

export interface ChunkOptions {
  /** Read no further (the writer's flushed length for a part still being written). */
  limit?: number
  /**
   * CRC-32 of the part's bytes up to the limit. Given, records are taken unchecked and the
   * whole is compared at the end (`intact`); absent, every record's own checksum is checked
   * and damaged ones are skipped.
   */
  crc?: number
  /**
   * Start at this file offset instead of the first record: a record boundary where an earlier
   * read stopped (the store writer's committed position). Checked reads only.
   */
  from?: number
  /** PORCH + CHUNK bytes to read into (e.g. WebAssembly memory); allocated when not given. */
  buffer?: Buffer
  sizes?: { porch: number; chunk: number }
}

/** What a checked read skipped: damaged records, and a torn (unfinished) last record. */
export interface ChunkDamage {
  /** Stretches of bytes between whole records that were skipped. */
  regions: number
  bytes: number
  /** The part ends inside a record (a crash while writing): from `tornAt` on. */
  tornAt: number | null
}

/**
 * Reads a journal part as runs of whole records, one read at a time into one buffer. A record
 * cut by the end of a read is moved into the porch in front of the next read; one larger than
 * the porch gets a larger buffer until it is through.
 *
 * Two ways to trust what is read. With the part's CRC (sealed parts, and the part being
 * written up to its flushed length), every byte goes through one native CRC as it is read,
 * and `intact` says at the end whether the records handed out were the ones written; the
 * caller redoes the part checked when they were not. Without it, each record's checksum is
 * checked: a damaged record is skipped, and reading goes on at the next whole record.
 *
 * Reads are synchronous: from the page cache they take microseconds, and a thread-pool
 * round trip per read would cost more than the read.
 */
export class RecordChunks {
  private readonly fd: number
  private size: number
  private readonly home: { buf: Buffer; porch: number; chunk: number }
  private buf: Buffer
  private porch: number
  private chunk: number
  private filePos = MAGIC.length
  /** The unfinished record after the last run: [tail, tailEnd) of buf. */
  private tail = 0
  private tailEnd = 0
  private done = false
  private readonly checked: boolean
  private runningCrc: number
  /** An unchecked read met something that cannot be a record: the part is not intact. */
  private broken = false
  readonly damage: ChunkDamage = { regions: 0, bytes: 0, tornAt: null }
  /** Checked reads: the MESSAGE records handed out (whole ones only). */
  messages = 0
  /** Checked reads: the start of the damaged stretch being skipped, or -1. */
  private skipFrom = -1

  constructor(
    file: string,
    private readonly options: ChunkOptions = {}
  ) {
    this.fd = fs.openSync(file, 'r')
    this.size = Math.min(fs.fstatSync(this.fd).size, options.limit ?? Infinity)
    const sizes = options.sizes ?? { porch: PORCH, chunk: CHUNK }
    this.porch = sizes.porch
    this.chunk = sizes.chunk
    this.buf = options.buffer ?? Buffer.allocUnsafe(this.porch + this.chunk)
    this.home = { buf: this.buf, porch: this.porch, chunk: this.chunk }
    this.checked = options.crc === undefined
    if (options.from !== undefined && this.checked)
      this.filePos = Math.max(MAGIC.length, options.from)
    const head = Buffer.alloc(MAGIC.length)
    const got = fs.readSync(this.fd, head, 0, MAGIC.length, 0)
    if (got < MAGIC.length || !head.equals(MAGIC)) {
      // Not a journal part (or an empty one): nothing to hand out.
      this.done = true
      this.broken = this.size > 0
      if (this.size > 0) this.damage.tornAt = 0
    }
    this.runningCrc = zlib.crc32(head.subarray(0, got))
  }

  /** Unchecked reads, at the end: whether the part's bytes had the expected CRC. */
  get intact(): boolean {
    return !this.broken && this.runningCrc === this.options.crc
  }

  /** The next run of whole records, or null at the end. */
  next(): RecordChunk | null {
    while (!this.done) {
      const carry = this.tailEnd - this.tail
      this.placeCarry(carry)
      const want = Math.min(this.chunk, this.size - this.filePos)
      const got = want > 0 ? fs.readSync(this.fd, this.buf, this.porch, want, this.filePos) : 0
      const { buf } = this
      const start = this.porch - carry
      if (got === 0) {
        // The end (or the file ended early): what is left is a torn record, or, read checked,
        // damage to skip through to any whole records after it.
        this.size = this.filePos
        if (carry === 0 || !this.checked) {
          this.done = true
          if (carry > 0) this.endInside(start, start + carry)
          return null
        }
      }
      if (!this.checked)
        this.runningCrc = zlib.crc32(buf.subarray(this.porch, this.porch + got), this.runningCrc)
      this.filePos += got
      const end = this.porch + got
      const atEof = this.filePos >= this.size
      const view = new DataView(buf.buffer, buf.byteOffset, buf.length)
      let runStart = start
      let p: number
      if (this.checked) {
        ;({ runStart, p } = this.scanChecked(buf, start, end, atEof))
      } else {
        p = scanRecords(buf, start, end)
        if (p + RECORD_HEADER <= end) {
          const length = buf.readUInt32LE(p)
          if (length === 0 || length > MAX_BODY) {
            this.broken = true // cannot be a record: the caller redoes the part checked
            this.done = true
          }
        }
      }
      this.tail = p
      this.tailEnd = end
      if (p > runStart)
        return { buf, view, start: runStart, end: p, consumed: this.filePos - (end - p) }
    }
    return null
  }

  close(): void {
    fs.closeSync(this.fd)
  }

  /**
   * Checked walk from `p`: whole records whose checksums match, up to the first damaged one;
   * past damage, one byte at a time to the next whole record. Returns the run [runStart, p).
   */
  private scanChecked(
    buf: Buffer,
    p: number,
    end: number,
    atEof: boolean
  ): { runStart: number; p: number } {
    let runStart = p
    while (p + RECORD_HEADER <= end) {
      const length = buf.readUInt32LE(p)
      const bodyStart = p + RECORD_HEADER
      const bodyEnd = bodyStart + length
      const possible = length > 0 && length <= MAX_BODY && this.fits(p, end, bodyEnd)
      if (possible && bodyEnd > end) break // may be whole once more is read
      if (
        possible &&
        plausibleBody(buf, bodyStart, length) &&
        crc32(buf, bodyStart, bodyEnd) === buf.readUInt32LE(p + CRC_AT)
      ) {
        if (this.skipFrom >= 0) {
          // The damaged stretch ends here; records before it were handed out already.
          this.damage.regions++
          this.damage.bytes += this.fileOffset(p, end) - this.skipFrom
          this.skipFrom = -1
          runStart = p
        }
        if (isMessage(buf[bodyStart])) this.messages++
        p = bodyEnd
        continue
      }
      // Damage at p: hand out the run before it, then skip byte by byte.
      if (this.skipFrom < 0) {
        if (p > runStart) return { runStart, p }
        this.skipFrom = this.fileOffset(p, end)
      }
      p++
      runStart = p
    }
    if (atEof && p < end) {
      this.endInside(p, end)
      this.done = true
    }
    return { runStart, p }
  }

  /** Whether a record ending at bodyEnd can lie within the part. */
  private fits(p: number, end: number, bodyEnd: number): boolean {
    return this.fileOffset(p, end) + (bodyEnd - p) <= this.size
  }

  private fileOffset(at: number, end: number): number {
    return this.filePos - (end - at)
  }

  /** The part ends with bytes [from, end) that are no whole record. */
  private endInside(from: number, end: number): void {
    if (!this.checked) {
      this.broken = true
      return
    }
    this.damage.tornAt = this.skipFrom >= 0 ? this.skipFrom : this.fileOffset(from, end)
    this.skipFrom = -1
  }

  /** Moves the unfinished record in front of the next read, in a buffer it fits. */
  private placeCarry(carry: number): void {
    const from = this.buf
    const at = this.tail
    if (carry <= this.home.porch) {
      ;({ buf: this.buf, porch: this.porch, chunk: this.chunk } = this.home)
    } else if (carry > this.porch) {
      // One record larger than the porch (rare: a huge payload).
      this.porch = this.chunk = Math.max(this.home.chunk, 2 ** Math.ceil(Math.log2(carry * 2)))
      this.buf = Buffer.allocUnsafe(this.porch + this.chunk)
    }
    if (carry > 0) from.copy(this.buf, this.porch - carry, at, at + carry)
  }
}

/** Where the whole records from p end: at one cut by `end`, or one of impossible length. */
function scanRecords(buf: Buffer, p: number, end: number): number {
  while (p + RECORD_HEADER <= end) {
    const length = buf.readUInt32LE(p)
    if (length === 0 || length > MAX_BODY || p + RECORD_HEADER + length > end) break
    p += RECORD_HEADER + length
  }
  return p
}
