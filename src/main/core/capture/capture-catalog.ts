import * as fs from 'node:fs'
import * as path from 'node:path'
import type { CaptureInfo, CaptureSummary } from '../../../shared/types'
import { MAGIC, partFileName, partSeq } from './journal-format'
import { partCrc, readPart } from './journal-reader'
import type { PartIndex } from './journal-writer'

export interface CaptureMeta {
  id: string
  startedAt: number
  endedAt: number | null
}

export interface StoredCapture {
  meta: CaptureMeta
  dir: string
  parts: PartIndex[]
}

/** Capture ids sort by start time: `20261124T101500123Z-ab12`. */
export function newCaptureId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, '')
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`
}

export function captureInfo(
  capture: StoredCapture,
  active: boolean,
  livePart?: PartIndex
): CaptureInfo {
  const parts = livePart ? [...capture.parts, livePart] : capture.parts
  const topics = new Set<string>()
  const fields = new Map<string, string>()
  for (const part of parts) {
    for (const t of part.topics ?? []) topics.add(t.topic)
    for (const fs of part.fieldSets ?? []) {
      fs.names.forEach((name, i) => {
        if (!fields.get(name)) fields.set(name, fs.units[i] ?? '')
      })
    }
  }
  return {
    ...captureSummary(capture, active, livePart),
    topics: [...topics].sort(),
    fields: [...fields].map(([name, unit]) => ({ name, unit }))
  }
}

/**
 * The capture without its topic and field lists: what the captures panel polls, so a capture
 * of 100,000 topics is not listed and sorted every few seconds only to be thrown away.
 */
export function captureSummary(
  capture: StoredCapture,
  active: boolean,
  livePart?: PartIndex
): CaptureSummary {
  const parts = livePart ? [...capture.parts, livePart] : capture.parts
  return {
    id: capture.meta.id,
    startedAt: capture.meta.startedAt,
    endedAt: capture.meta.endedAt,
    messages: parts.reduce((n, p) => n + p.messages, 0),
    bytes: parts.reduce((n, p) => n + p.bytes, 0),
    active
  }
}

export function writeMeta(capture: StoredCapture): void {
  const file = path.join(capture.dir, 'meta.json')
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(capture.meta))
  fs.renameSync(`${file}.tmp`, file)
}

/**
 * Reads every capture folder. A part without an index was being written when the app
 * stopped: it is read record by record, its torn tail cut off, damaged records skipped (the
 * whole ones after them kept), and indexed, so counts survive a crash and readers never see
 * half a record.
 */
export async function loadCatalog(
  root: string,
  warn: (message: string) => void
): Promise<StoredCapture[]> {
  fs.mkdirSync(root, { recursive: true })
  const captures: StoredCapture[] = []
  for (const name of fs.readdirSync(root).sort()) {
    const dir = path.join(root, name)
    if (!fs.statSync(dir).isDirectory()) continue
    try {
      const capture = await loadCapture(dir, name, warn)
      if (capture) captures.push(capture)
    } catch (error) {
      warn(`Capture ${name} could not be read and was skipped: ${(error as Error).message}`)
    }
  }
  return captures
}

async function loadCapture(
  dir: string,
  name: string,
  warn: (message: string) => void
): Promise<StoredCapture | null> {
  let meta: CaptureMeta
  try {
    meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as CaptureMeta
  } catch {
    meta = {
      id: name,
      startedAt: fs.statSync(dir).birthtimeMs || fs.statSync(dir).mtimeMs,
      endedAt: null
    }
  }
  const seqs = fs
    .readdirSync(dir)
    .map(partSeq)
    .filter((s): s is number => s !== null)
    .sort((a, b) => a - b)
  const parts: PartIndex[] = []
  for (const seq of seqs) {
    const file = path.join(dir, partFileName(seq))
    const idxFile = file.replace(/\.jnl$/, '.idx')
    let index: PartIndex | null
    try {
      index = JSON.parse(fs.readFileSync(idxFile, 'utf8')) as PartIndex
    } catch {
      index = null
    }
    if (!index) {
      index = await indexPart(file, seq, (message) => warn(`Capture ${meta.id}: ${message}`))
      fs.writeFileSync(idxFile, JSON.stringify(index))
    }
    parts.push(index)
  }
  const capture: StoredCapture = { meta, dir, parts }
  if (meta.endedAt === null) {
    const lastT = parts.reduce(
      (m, p) => Math.max(m, Number.isFinite(p.lastT) ? p.lastT : -Infinity),
      -Infinity
    )
    capture.meta = { ...meta, endedAt: Number.isFinite(lastT) ? lastT : meta.startedAt }
    writeMeta(capture)
  }
  return capture
}

/** Reads an unindexed part checked, repairs what a crash left, and indexes it. */
async function indexPart(
  file: string,
  seq: number,
  warn: (message: string) => void
): Promise<PartIndex> {
  const topics: PartIndex['topics'] = []
  const fieldSets: PartIndex['fieldSets'] = []
  const scan = await readPart(file, {
    topic: (d) => topics.push(d),
    fieldSet: (d) => fieldSets.push(d)
  })
  const { damage } = scan
  if (damage.tornAt !== null && damage.tornAt >= MAGIC.length) {
    fs.truncateSync(file, damage.tornAt)
    warn('the last record was cut off by a crash and was skipped.')
  } else if (damage.tornAt !== null) {
    warn(`part ${seq} is not a capture journal and was skipped (the file is kept).`)
  }
  if (damage.regions > 0) warn(describeDamage(seq, damage.bytes, scan.messages))
  const bytes = Math.min(fs.statSync(file).size, damage.tornAt ?? Infinity)
  const index: PartIndex = {
    seq,
    messages: scan.messages,
    bytes,
    firstT: scan.firstT,
    lastT: scan.lastT,
    topics,
    fieldSets
  }
  // A part read whole gets its CRC, so later reads need not check each record.
  if (damage.regions > 0) index.damaged = { regions: damage.regions, bytes: damage.bytes }
  else if (damage.tornAt === null || damage.tornAt >= MAGIC.length) index.crc = partCrc(file)
  return index
}

export function describeDamage(seq: number, bytes: number, messages: number): string {
  return `${bytes} damaged byte${bytes === 1 ? ' was' : 's were'} skipped in part ${seq}; the ${messages.toLocaleString('en-US')} whole messages in it were kept.`
}

export function totalBytes(captures: StoredCapture[]): number {
  return captures.reduce((n, c) => n + c.parts.reduce((m, p) => m + p.bytes, 0), 0)
}

/** Rewrites a part's index (after damage was found in it). */
export function writeIndex(capture: StoredCapture, part: PartIndex): void {
  const file = path.join(capture.dir, partFileName(part.seq).replace(/\.jnl$/, '.idx'))
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(part))
  fs.renameSync(`${file}.tmp`, file)
}

/** Deletes one whole part (oldest first is the caller's job). */
export function deletePart(capture: StoredCapture, part: PartIndex): void {
  const file = path.join(capture.dir, partFileName(part.seq))
  fs.rmSync(file, { force: true })
  fs.rmSync(file.replace(/\.jnl$/, '.idx'), { force: true })
  capture.parts = capture.parts.filter((p) => p !== part)
}
