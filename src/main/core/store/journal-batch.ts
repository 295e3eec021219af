// Reads the capture journal from a committed position into a batch of readings: the store
// writer's only view of the journal. Records are read checked (each one's checksum), from a
// record boundary, through the journal's own record visitor, so a change to the record layout
// stays in capture/.
import type { JournalPartRef } from '../capture/capture-parts'
import { MAGIC, RECORD_HEADER, type FieldSetDef, type TopicDef } from '../capture/journal-format'
import { visitRecord, type JournalVisitor } from '../capture/journal-reader'
import { CHUNK, PORCH, RecordChunks, type ChunkDamage } from '../capture/record-chunks'
import { parseDecimal } from '../decode/number-text'
import type { StoreSeries } from '../../../shared/store-types'

/** How far one source's journal is in the database: the end of the last record stored. */
export interface JournalPosition {
  captureId: string
  partSeq: number
  /** Bytes of the part read (a record boundary). */
  offset: number
  /** Messages of the part read so far: with the part's count, the lag. */
  partMessages: number
  /** Time of the last message stored (epoch ms), null before the first. */
  lastT: number | null
}

/** Orders parts by capture (ids sort by start time) then by sequence number. */
export function comparePart(
  aCapture: string,
  aSeq: number,
  bCapture: string,
  bSeq: number
): number {
  if (aCapture !== bCapture) return aCapture < bCapture ? -1 : 1
  return aSeq - bSeq
}

const COMMA = 44
const START_ROWS = 8192
/** One read buffer for every batch: reads are synchronous, so they never overlap. */
let readBuffer: Buffer | null = null

/** Readings in columns, each row pointing at its series and at the message it came from. */
export class ReadingBatch {
  /** The batch's series; rows refer to them by index. */
  readonly series: StoreSeries[] = []
  seriesOf = new Int32Array(START_ROWS)
  t = new Float64Array(START_ROWS)
  v = new Float64Array(START_ROWS)
  /** Where each row's message is: an index into `parts`, and the record's offset there. */
  partOf = new Int32Array(START_ROWS)
  offsetOf = new Float64Array(START_ROWS)
  readonly parts: { captureId: string; seq: number }[] = []
  length = 0
  messages = 0
  private readonly seriesIndex = new Map<string, number>()

  constructor(public end: JournalPosition) {}

  seriesFor(connection: string, topic: string, field: string, unit: string): number {
    const key = `${connection}\u0000${topic}\u0000${field}`
    let index = this.seriesIndex.get(key)
    if (index === undefined) {
      index = this.series.length
      this.series.push({ connection, topic, field, unit })
      this.seriesIndex.set(key, index)
    } else if (unit && this.series[index].unit !== unit) {
      this.series[index].unit = unit
    }
    return index
  }

  add(series: number, t: number, v: number, part: number, offset: number): void {
    if (this.length === this.t.length) this.grow()
    const i = this.length++
    this.seriesOf[i] = series
    this.t[i] = t
    this.v[i] = v
    this.partOf[i] = part
    this.offsetOf[i] = offset
  }

  private grow(): void {
    const n = this.t.length * 2
    const copy = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n)
      b.set(a)
      return b
    }
    this.seriesOf = copy(this.seriesOf, (k) => new Int32Array(k))
    this.t = copy(this.t, (k) => new Float64Array(k))
    this.v = copy(this.v, (k) => new Float64Array(k))
    this.partOf = copy(this.partOf, (k) => new Int32Array(k))
    this.offsetOf = copy(this.offsetOf, (k) => new Float64Array(k))
  }
}

export interface BatchRead {
  batch: ReadingBatch
  /** Everything written so far was read: nothing more to send until capture adds some. */
  atEnd: boolean
  /** The committed part is gone (deleted before it was stored): reading went on after it. */
  gap: { captureId: string; seq: number } | null
  /** Parts where damaged records were skipped (their readings cannot be stored). */
  damaged: { ref: JournalPartRef; damage: ChunkDamage }[]
}

/**
 * Reads whole messages after `from` (from the oldest part without one) until the batch holds
 * at least `maxRows` readings or the journal written so far is read. The batch's end is the
 * position after its last message (or after the last part read through).
 */
export function readBatch(
  refs: readonly JournalPartRef[],
  from: JournalPosition | null,
  maxRows: number
): BatchRead {
  let i = from
    ? refs.findIndex(
        (r) => comparePart(r.captureId, r.index.seq, from.captureId, from.partSeq) >= 0
      )
    : 0
  const lastT = from?.lastT ?? null
  if (i < 0 || refs.length === 0) {
    return {
      batch: new ReadingBatch(from ?? emptyStart(refs)),
      atEnd: true,
      gap: null,
      damaged: []
    }
  }
  const same =
    from !== null && refs[i].captureId === from.captureId && refs[i].index.seq === from.partSeq
  const gap = from !== null && !same ? { captureId: from.captureId, seq: from.partSeq } : null
  let position: JournalPosition = same
    ? { ...from }
    : {
        captureId: refs[i].captureId,
        partSeq: refs[i].index.seq,
        offset: MAGIC.length,
        partMessages: 0,
        lastT
      }
  const batch = new ReadingBatch(position)
  const damaged: BatchRead['damaged'] = []
  for (; i < refs.length; i++) {
    const ref = refs[i]
    if (position.captureId !== ref.captureId || position.partSeq !== ref.index.seq)
      position = {
        captureId: ref.captureId,
        partSeq: ref.index.seq,
        offset: MAGIC.length,
        partMessages: 0,
        lastT: position.lastT
      }
    const full = readPartInto(ref, position, batch, maxRows)
    position = full.position
    if (full.damage.regions > 0) damaged.push({ ref, damage: full.damage })
    if (!full.done) {
      batch.end = position
      return { batch, atEnd: false, gap, damaged }
    }
    // A part read through: the next batch starts at the next part, if there is one.
    if (i + 1 < refs.length) {
      const next = refs[i + 1]
      position = {
        captureId: next.captureId,
        partSeq: next.index.seq,
        offset: MAGIC.length,
        partMessages: 0,
        lastT: position.lastT
      }
    }
  }
  batch.end = position
  return { batch, atEnd: true, gap, damaged }
}

/** Where reading starts when nothing was ever stored and there is nothing to read. */
function emptyStart(refs: readonly JournalPartRef[]): JournalPosition {
  const first = refs[0]
  return {
    captureId: first?.captureId ?? '',
    partSeq: first?.index.seq ?? 0,
    offset: MAGIC.length,
    partMessages: 0,
    lastT: null
  }
}

/** Reads one part from the position; done is false when the batch filled up first. */
function readPartInto(
  ref: JournalPartRef,
  start: JournalPosition,
  batch: ReadingBatch,
  maxRows: number
): { position: JournalPosition; done: boolean; damage: ChunkDamage } {
  const topics = new Map<number, TopicDef>(ref.index.topics.map((d) => [d.id, d]))
  const fieldSets = new Map<number, FieldSetDef>(ref.index.fieldSets.map((d) => [d.id, d]))
  /** Per field set of this part: the batch's series index of each of its fields. */
  const columns = new Map<number, Int32Array | null>()
  const part = batch.parts.length
  batch.parts.push({ captureId: ref.captureId, seq: ref.index.seq })
  const position = { ...start }
  let recordOffset = 0
  const visitor: JournalVisitor = {
    message(t, topicId, fieldSetId, buf, textStart, textEnd) {
      position.partMessages++
      batch.messages++
      let cols = columns.get(fieldSetId)
      if (cols === undefined) {
        const topic = topics.get(topicId)
        const set = fieldSets.get(fieldSetId)
        cols =
          topic && set
            ? Int32Array.from(set.names, (name, k) =>
                batch.seriesFor(topic.connection, topic.topic, name, set.units[k] ?? '')
              )
            : null
        columns.set(fieldSetId, cols)
      }
      if (!cols) return
      position.lastT = t
      let from = textStart
      let column = 0
      for (let k = textStart; k <= textEnd; k++) {
        if (k !== textEnd && buf[k] !== COMMA) continue
        const v = parseDecimal(buf, from, k)
        if (v === v && column < cols.length) batch.add(cols[column], t, v, part, recordOffset)
        column++
        from = k + 1
      }
    }
  }
  readBuffer ??= Buffer.allocUnsafe(PORCH + CHUNK)
  const reader = new RecordChunks(ref.file, {
    limit: ref.limit,
    from: start.offset,
    buffer: readBuffer
  })
  try {
    for (let chunk = reader.next(); chunk; chunk = reader.next()) {
      const { buf } = chunk
      let p = chunk.start
      while (p < chunk.end) {
        const body = p + RECORD_HEADER
        const end = body + buf.readUInt32LE(p)
        recordOffset = chunk.consumed - (chunk.end - p)
        visitRecord(buf, body, end, visitor)
        position.offset = chunk.consumed - (chunk.end - end)
        p = end
        if (batch.length >= maxRows) return { position, done: false, damage: reader.damage }
      }
      position.offset = chunk.consumed
    }
  } finally {
    reader.close()
  }
  return { position, done: true, damage: reader.damage }
}

/** What is journaled and not yet stored, from the parts and the committed position. */
export function journalLag(
  refs: readonly JournalPartRef[],
  from: JournalPosition | null
): { rows: number; seconds: number } {
  let rows = 0
  let newest = -Infinity
  let oldest = Infinity
  for (const ref of refs) {
    const order = from ? comparePart(ref.captureId, ref.index.seq, from.captureId, from.partSeq) : 1
    if (order < 0) continue
    const unstored = order === 0 ? ref.index.messages - from!.partMessages : ref.index.messages
    if (unstored <= 0) continue
    rows += unstored
    if (ref.index.lastT > newest) newest = ref.index.lastT
    if (ref.index.firstT < oldest) oldest = ref.index.firstT
  }
  if (rows === 0) return { rows: 0, seconds: 0 }
  const since = from?.lastT ?? oldest
  const seconds = Number.isFinite(newest - since) ? Math.max(0, (newest - since) / 1000) : 0
  return { rows, seconds }
}
