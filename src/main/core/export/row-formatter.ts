// Turns journal records into CSV rows: the time, the topic and the journal's value text
// copied as is. KernelFormatter (wasm/format-kernel.ts) extends it to hand the common wide
// rows to WebAssembly; both write the same bytes.
import {
  isMessage,
  LENGTH_AT,
  MESSAGE_FIELDSET_ID,
  MESSAGE_T,
  MESSAGE_TOPIC_ID,
  messagePayload,
  messageText,
  NO_FIELDS,
  PAYLOAD_PREVIOUS,
  PAYLOAD_TRUNCATED,
  payloadAsText,
  readFieldSet,
  readTopic,
  RECORD_HEADER,
  TYPE_FIELDS,
  TYPE_TOPIC
} from '../capture/journal-format'
import type { RecordChunk } from '../capture/record-chunks'
import { csvField } from './csv-text'

const COMMA = 44
const encoder = new TextEncoder()

export interface FormatOptions {
  format: 'wide' | 'long'
  withConnection: boolean
  /** Value column of each field name. */
  columns: Map<string, number>
  ncols: number
  fromMs: number
  toMs: number
  topics: Set<string> | null
  /** Wide rows only: rows end with the message's payload and its encoding (text or base64). */
  payload?: boolean
}

interface FieldSetState {
  columns: Int32Array
  /** First column when the fields are consecutive columns in order, else -1. */
  block: number
  /** Long rows: `<name>,<unit>,` of each field, and their bytes together. */
  labels: Uint8Array[]
  labelBytes: number
}

/** Room in each output buffer past the fill mark, for the row that crosses it. */
export const ROW_RESERVE = 64 * 1024

/** Journal records in, CSV rows out, into `out` from `at`; the exporter reads and writes. */
export class RowFormatter {
  out: Uint8Array
  at = 0
  rows = 0
  /** Rows the WebAssembly kernel wrote (tests compare the two formatters). */
  kernelRows = 0
  /** A buffer to read journal chunks into (the kernel's memory), when it has one. */
  readonly readBuffer?: Buffer
  /** The two output buffers: the first is filled while the other is written out. */
  protected homes: [Uint8Array, Uint8Array]
  // Indexed by journal id (small integers): an array lookup per record, not a Map's hash.
  // A topic's `,<connection>,<topic>,` (RFC 4180-quoted), or null when filtered out.
  private topicStates: (Uint8Array | null | undefined)[] = []
  private setStates: (FieldSetState | undefined)[] = []
  private readonly slices: Int32Array
  /** `time,epoch_ms` of the last row's millisecond: rows of one instant share it. */
  private head = new Uint8Array(0)
  private headMs = NaN

  constructor(
    readonly options: FormatOptions,
    size: number
  ) {
    this.homes = [new Uint8Array(size), new Uint8Array(size)]
    this.out = this.homes[0]
    this.slices = new Int32Array(Math.max(2, options.ncols * 2))
  }

  /** A new part: its ids mean nothing in the next one. */
  startPart(): void {
    this.topicStates = []
    this.setStates = []
  }

  /**
   * Formats the chunk's records from p until its end (or the first record boundary at or past
   * `stopAfter`), while the output holds no more than `fill` bytes; returns where it stopped.
   */
  formatRun(chunk: RecordChunk, p: number, fill: number, stopAfter = chunk.end): number {
    const { buf, view, end } = chunk
    const { fromMs, toMs, ncols, payload } = this.options
    const wide = this.options.format === 'wide'
    const topics = this.topicStates
    const sets = this.setStates
    while (p < end && p < stopAfter && this.at <= fill) {
      const length = view.getUint32(p + LENGTH_AT, true)
      const body = p + RECORD_HEADER
      const next = body + length
      const type = buf[body]
      if (isMessage(type)) {
        const t = view.getFloat64(body + MESSAGE_T, true)
        if (t >= fromMs && t <= toMs) {
          const topic = topics[view.getUint32(body + MESSAGE_TOPIC_ID, true)]
          const setId = view.getUint32(body + MESSAGE_FIELDSET_ID, true)
          const set = sets[setId]
          if (topic && (set || (payload && setId === NO_FIELDS))) {
            const cell = payload ? payloadCells(buf, body, next) : null
            // The most its rows can take; a long row per field repeats the head and the topic.
            const bound = wide
              ? 256 + topic.length + 4 * length + 2 * ncols + (cell?.length ?? 0)
              : 256 + length + (set ? set.labelBytes + set.labels.length * (64 + topic.length) : 0)
            if (this.at + bound > this.out.length) {
              if (this.at > 0) return p
              this.out = new Uint8Array(bound) // one message larger than the whole buffer
            }
            const [textStart, textEnd] = messageText(buf, body, next)
            if (wide) this.wide(t, topic, set, buf, textStart, textEnd, cell)
            else if (set) this.long(t, topic, set, buf, textStart, textEnd)
          }
        }
      } else if (type === TYPE_TOPIC) {
        this.defineTopic(buf, body, next)
      } else if (type === TYPE_FIELDS) {
        this.defineFieldSet(buf, body, next)
      }
      p = next
    }
    return p
  }

  /** The output is being written: go on in the other output buffer (written out already). */
  drained(): void {
    this.homes.reverse()
    this.out = this.homes[0]
    this.at = 0
  }

  release(): void {}

  private wide(
    t: number,
    topic: Uint8Array,
    set: FieldSetState | undefined,
    buf: Uint8Array,
    s: number,
    e: number,
    payload: Uint8Array | null
  ): void {
    const out = this.out
    let at = this.rowStart(t, topic)
    const ncols = this.options.ncols
    if (!set) {
      for (let c = 1; c < ncols; c++) out[at++] = COMMA // a message without values
    } else if (set.block >= 0) {
      for (let i = 0; i < set.block; i++) out[at++] = COMMA
      for (let i = s; i < e; i++) out[at++] = buf[i]
      for (let i = set.block + set.columns.length; i < ncols; i++) out[at++] = COMMA
    } else {
      const slices = this.slices
      slices.fill(-1)
      let from = s
      let field = 0
      for (let i = s; i <= e; i++) {
        if (i !== e && buf[i] !== COMMA) continue
        const col = field < set.columns.length ? set.columns[field] : -1
        if (col >= 0) {
          slices[col * 2] = from
          slices[col * 2 + 1] = i
        }
        field++
        from = i + 1
      }
      for (let c = 0; c < ncols; c++) {
        if (c > 0) out[at++] = COMMA
        const a = slices[c * 2]
        if (a >= 0) for (let i = a, b = slices[c * 2 + 1]; i < b; i++) out[at++] = buf[i]
      }
    }
    if (ncols === 0) at-- // no value columns: drop the comma after the topic
    if (payload) {
      out[at++] = COMMA
      out.set(payload, at)
      at += payload.length
    }
    out[at++] = 13
    out[at++] = 10
    this.at = at
    this.rows++
  }

  private long(
    t: number,
    topic: Uint8Array,
    set: FieldSetState,
    buf: Uint8Array,
    s: number,
    e: number
  ): void {
    const out = this.out
    let from = s
    let field = 0
    for (let i = s; i <= e; i++) {
      if (i !== e && buf[i] !== COMMA) continue
      if (i > from && field < set.columns.length && set.columns[field] >= 0) {
        let at = this.rowStart(t, topic)
        out.set(set.labels[field], at)
        at += set.labels[field].length
        for (let k = from; k < i; k++) out[at++] = buf[k]
        out[at++] = 13
        out[at++] = 10
        this.at = at
        this.rows++
      }
      field++
      from = i + 1
    }
  }

  /** Writes `time,epoch_ms,[connection,]topic,` and returns the position after it. */
  private rowStart(t: number, topic: Uint8Array): number {
    const ms = Math.floor(t)
    if (ms !== this.headMs) {
      this.headMs = ms
      this.head = encoder.encode(`${isoTime(ms)},${ms}`)
    }
    const out = this.out
    out.set(this.head, this.at)
    out.set(topic, this.at + this.head.length)
    return this.at + this.head.length + topic.length
  }

  private defineTopic(buf: Buffer, body: number, end: number): void {
    const def = readTopic(buf, body, end)
    if (!def) return
    const { id, connection, topic } = def
    if (this.options.topics && !this.options.topics.has(topic)) {
      this.topicStates[id] = null
      this.topicDefined(id, null)
      return
    }
    const text = this.options.withConnection
      ? `,${csvField(connection)},${csvField(topic)},`
      : `,${csvField(topic)},`
    const tail = encoder.encode(text)
    this.topicStates[id] = tail
    this.topicDefined(id, tail)
  }

  private defineFieldSet(buf: Buffer, body: number, end: number): void {
    const def = readFieldSet(buf, body, end)
    if (!def) return
    const { id, names, units } = def
    const columns = Int32Array.from(names, (name) => this.options.columns.get(name) ?? -1)
    let block = columns.length > 0 ? columns[0] : -1
    for (let i = 0; i < columns.length && block >= 0; i++) if (columns[i] !== block + i) block = -1
    const labels = names.map((name, i) =>
      encoder.encode(`${csvField(name)},${csvField(units[i])},`)
    )
    const labelBytes = labels.reduce((n, label) => n + label.length, 0)
    this.setStates[id] = { columns, block, labels, labelBytes }
    this.fieldSetDefined(id, block, block >= 0 ? this.options.ncols - block - columns.length : 0)
  }

  /** Told of every topic read (tail null: filtered out), so a faster formatter can take its rows. */
  protected topicDefined(_id: number, _tail: Uint8Array | null): void {}

  /** Told of every field set read: its first column when its fields are consecutive, else -1. */
  protected fieldSetDefined(_id: number, _block: number, _trailing: number): void {}
}

const EMPTY_CELLS = encoder.encode(',')

/** `payload,encoding`: the text when it is UTF-8, else base64; a truncated one says so. */
function payloadCells(buf: Uint8Array, body: number, end: number): Uint8Array {
  const kept = messagePayload(buf, body, end)
  if (!kept || kept.kind === PAYLOAD_PREVIOUS) return EMPTY_CELLS // on the message's first row
  const { text, encoding } = payloadAsText(buf.subarray(kept.start, kept.end))
  const cut =
    kept.kind === PAYLOAD_TRUNCATED ? ` (first ${kept.end - kept.start} of ${kept.size} bytes)` : ''
  return encoder.encode(`${csvField(text)},${encoding}${cut}`)
}

/** ISO 8601 in UTC with milliseconds; empty for a time no calendar holds. */
function isoTime(ms: number): string {
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? '' : date.toISOString()
}
