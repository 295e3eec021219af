import * as fs from 'node:fs'
import { MAGIC, RECORD_HEADER } from './journal-format'

export const CHUNK = 8 * 1024 * 1024
/** Room before each read for the previous chunk's unfinished record. */
export const PORCH = 1024 * 1024
const MAX_BODY = 64 * 1024 * 1024

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
 * Yields a journal part as runs of whole records, reading the next 8 MB while the caller
 * works on the current run (the read runs on the thread pool, the caller on the main
 * thread). A record cut by a chunk boundary is carried into the next buffer's porch.
 * Stops at the first impossible length or an unfinished last record (a torn tail).
 */
export async function* recordChunks(
  file: string,
  limit?: number,
  /** Two buffers of PORCH + CHUNK bytes to read into (e.g. WebAssembly memory). */
  buffers?: [Buffer, Buffer]
): AsyncGenerator<RecordChunk> {
  const handle = await fs.promises.open(file, 'r')
  try {
    const size = Math.min((await handle.stat()).size, limit ?? Infinity)
    let porch = PORCH
    let chunk = CHUNK
    let bufs = buffers ?? [Buffer.allocUnsafe(porch + chunk), Buffer.allocUnsafe(porch + chunk)]
    let which = 0
    let filePos = MAGIC.length // file offset of the next byte to read
    const read = (buf: Buffer, pos: number): Promise<number> =>
      pos < size
        ? handle.read(buf, porch, Math.min(chunk, size - pos), pos).then((r) => r.bytesRead)
        : Promise.resolve(0)
    let pending = read(bufs[0], filePos)
    let carry = 0
    while (true) {
      const buf = bufs[which]
      const got = await pending
      if (got === 0 && carry === 0) return
      filePos += got
      const start = porch - carry
      const end = porch + got
      const view = new DataView(buf.buffer, buf.byteOffset, buf.length)
      let p = start
      let corrupt = false
      while (p + RECORD_HEADER <= end) {
        const length = view.getUint32(p, true)
        if (length === 0 || length > MAX_BODY) {
          corrupt = true
          break
        }
        if (p + RECORD_HEADER + length > end) break
        p += RECORD_HEADER + length
      }
      const next = bufs[1 - which]
      // Start the next read before handing this run out: it overlaps the caller's work.
      pending = corrupt || got === 0 ? Promise.resolve(0) : read(next, filePos)
      if (p > start) yield { buf, view, start, end: p, consumed: filePos - (end - p) }
      carry = end - p
      if (corrupt || got === 0) {
        await pending
        return
      }
      if (carry > porch) {
        // One record larger than the porch (rare: a huge JSON payload). Grow the buffers and
        // read again from that record's start.
        await pending
        const recordAt = filePos - carry
        porch = chunk = Math.max(CHUNK, 2 ** Math.ceil(Math.log2(carry * 2)))
        bufs = [Buffer.allocUnsafe(porch + chunk), Buffer.allocUnsafe(porch + chunk)]
        which = 0
        carry = 0
        filePos = recordAt
        pending = read(bufs[0], filePos)
        continue
      }
      if (carry > 0) buf.copy(next, porch - carry, p, end)
      which = 1 - which
    }
  } finally {
    await handle.close()
  }
}
