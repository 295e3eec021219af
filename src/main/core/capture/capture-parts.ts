// The journal parts of the captures on disk, as readers and retention see them: which parts to
// read (the one being written up to what is flushed), and which to drop when over the limit.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { deletePart, totalBytes, type StoredCapture } from './capture-catalog'
import { partFileName } from './journal-format'
import type { JournalWriter, PartIndex } from './journal-writer'

export interface JournalPartRef {
  captureId: string
  file: string
  /** Read no further: the writer's flushed length for the part being written. */
  limit?: number
  bytes: number
  /** CRC-32 of those bytes when known: readers then need not check each record. */
  crc?: number
  index: PartIndex
}

/** A reader that still needs parts (the database store): retention keeps them. */
export interface RetentionHold {
  /** True while this part is not yet fully read (in the database): it and all later stay. */
  keeps(captureId: string, seq: number): boolean
  /** Retention stopped at a kept part with the captures this many bytes over their limit. */
  over(bytesOver: number, limitBytes: number): void
}

/** What a read found wrong in a part: stretches skipped, and the whole messages it kept. */
export interface PartDamage {
  regions: number
  bytes: number
  messages: number
}

/** The capture being written and its writer. */
export interface ActiveCapture {
  capture: StoredCapture
  writer: JournalWriter
}

/** The parts to read, oldest first: of the captures given by id (null: all). */
export function partRefs(
  captures: readonly StoredCapture[],
  active: ActiveCapture | null,
  captureIds: readonly string[] | undefined
): JournalPartRef[] {
  const wanted = captureIds ? new Set(captureIds) : null
  const refs: JournalPartRef[] = []
  for (const c of captures) {
    if (wanted && !wanted.has(c.meta.id)) continue
    for (const p of c.parts) {
      refs.push({
        captureId: c.meta.id,
        file: path.join(c.dir, partFileName(p.seq)),
        bytes: p.bytes,
        crc: p.crc,
        index: p
      })
    }
    if (active?.capture === c && active.writer.flushedBytes > 0) {
      const w = active.writer
      refs.push({
        captureId: c.meta.id,
        file: w.currentFile,
        limit: w.flushedBytes,
        bytes: w.flushedBytes,
        crc: w.flushedCrc,
        index: w.currentPart
      })
    }
  }
  return refs
}

/**
 * Deletes the oldest parts while the captures are over `limitBytes`, up to the first one the
 * hold keeps, skipping busy captures; a capture left without parts goes unless it is active.
 * Returns the captures left and the bytes dropped.
 */
export function dropOldestParts(
  captures: StoredCapture[],
  active: ActiveCapture | null,
  limitBytes: number,
  busy: ReadonlySet<string>,
  hold: RetentionHold | null
): { captures: StoredCapture[]; dropped: number } {
  let total = totalBytes(captures) + (active?.writer.flushedBytes ?? 0)
  let dropped = 0
  while (total > limitBytes) {
    const oldest = captures.find((c) => c.parts.length > 0 && !busy.has(c.meta.id))
    if (!oldest) break
    const part = oldest.parts[0]
    if (hold?.keeps(oldest.meta.id, part.seq)) {
      hold.over(total - limitBytes, limitBytes)
      break
    }
    deletePart(oldest, part)
    total -= part.bytes
    dropped += part.bytes
    if (oldest.parts.length === 0 && active?.capture !== oldest) {
      fs.rmSync(oldest.dir, { recursive: true, force: true })
      captures = captures.filter((c) => c !== oldest)
    }
  }
  return { captures, dropped }
}
