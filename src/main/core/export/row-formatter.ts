// Turns journal records into CSV rows. This loop bounds export speed, so rows are built from
// a per-topic template (time prefix, epoch seconds, topic) rebuilt once per second, with only
// the millisecond digits patched and the journal's value text copied as is.
import {
  LENGTH_AT,
  MESSAGE_FIELDSET_ID,
  MESSAGE_T,
  MESSAGE_TEXT_OFFSET,
  MESSAGE_TOPIC_ID,
  readFieldSet,
  readTopic,
  RECORD_HEADER,
  TYPE_FIELDS,
  TYPE_MESSAGE,
  TYPE_TOPIC
} from '../capture/journal-format'
import type { RecordChunk, RecordScan } from '../capture/record-chunks'
import { csvField } from './csv-text'

const COMMA = 44
/** Three ASCII digits for each of 0..999. */
const DIGITS = (() => {
  const d = new Uint8Array(3000)
  for (let i = 0; i < 1000; i++) {
    d[i * 3] = 48 + Math.floor(i / 100)
    d[i * 3 + 1] = 48 + (Math.floor(i / 10) % 10)
    d[i * 3 + 2] = 48 + (i % 10)
  }
  return d
})()
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
  /** Told of every definition read, so a faster formatter can take the common records. */
  onTopic?: (id: number, tail: Uint8Array | null) => void
  onFieldSet?: (id: number, block: number, trailing: number) => void
}

interface TopicState {
  /** `,<connection>,<topic>,` (or without connection), RFC 4180-quoted. */
  tail: Uint8Array
}

interface FieldSetState {
  columns: Int32Array
  /** First column when the fields are consecutive columns in order, else -1. */
  block: number
  names: Uint8Array[]
  units: Uint8Array[]
}

/**
 * Journal records in, CSV rows out, into `out` from `at`. The exporter reads and writes; a
 * formatter only turns records into bytes. Two implement it: RowFormatter (JavaScript, every
 * case) and the WebAssembly kernel's (the common wide rows, the rest through RowFormatter).
 */
export interface CsvFormatter {
  out: Uint8Array
  at: number
  rows: number
  /** Rows the WebAssembly kernel wrote (tests compare the two formatters). */
  readonly kernelRows: number
  /** A buffer to read journal chunks into, and a faster record walk over it, when it has them. */
  readonly readBuffer?: Buffer
  readonly scan?: RecordScan
  /** A new part: its ids mean nothing in the next one. */
  startPart(): void
  /**
   * Formats the chunk's records from p until its end, or until the output holds `fill`
   * bytes or more; returns where it stopped (always on a record boundary).
   */
  formatRun(chunk: RecordChunk, p: number, fill: number): number
  /** The output was written: start again at the beginning of the home buffer. */
  drained(): void
  release(): void
}

/** Room kept free at the end of the output for one more row. */
export const ROW_RESERVE = 64 * 1024

export class RowFormatter implements CsvFormatter {
  out: Uint8Array
  at = 0
  rows = 0
  readonly kernelRows = 0
  private readonly home: Uint8Array
  // Indexed by journal id (small integers): an array lookup per record, not a Map's hash.
  private topicStates: (TopicState | null | undefined)[] = []
  private fieldSets: (FieldSetState | undefined)[] = []
  private readonly wideFormat: boolean
  private readonly slices: Int32Array
  private readonly head = encoder.encode('0000-00-00T00:00:00.000Z,00000000000000000000000000')
  private headView = this.head.subarray(0, 0)
  private headLength = 0
  private readonly ms1 = 20
  private day = NaN
  private ymd: [number, number, number] = [1970, 1, 1]
  private second = NaN
  private plainHead: Uint8Array | null = null

  constructor(
    readonly options: FormatOptions,
    size: number
  ) {
    this.out = this.home = new Uint8Array(size)
    this.wideFormat = options.format === 'wide'
    this.slices = new Int32Array(Math.max(2, options.ncols * 2))
  }

  startPart(): void {
    this.topicStates = []
    this.fieldSets = []
  }

  formatRun(chunk: RecordChunk, p: number, fill: number): number {
    return this.format(
      chunk.buf,
      chunk.view,
      p,
      chunk.end,
      Math.max(ROW_RESERVE, this.out.length - fill)
    )
  }

  drained(): void {
    this.out = this.home
    this.at = 0
  }

  release(): void {}

  /**
   * Formats records from p until `end`, or the first record boundary at or past `stopAfter`,
   * or until the output has less than `reserve` bytes free; returns where it stopped (always
   * on a record boundary).
   */
  format(
    buf: Uint8Array,
    view: DataView,
    p: number,
    end: number,
    reserve: number,
    stopAfter = end
  ): number {
    const limit = this.out.length - reserve
    const { fromMs, toMs, ncols } = this.options
    const topics = this.topicStates
    const sets = this.fieldSets
    let size = this.out.length
    while (p < end && p < stopAfter) {
      const length = view.getUint32(p + LENGTH_AT, true)
      const body = p + RECORD_HEADER
      const next = body + length
      if (this.at > limit) return p
      const type = buf[body]
      if (type === TYPE_MESSAGE) {
        const t = view.getFloat64(body + MESSAGE_T, true)
        if (t >= fromMs && t <= toMs) {
          const topic = topics[view.getUint32(body + MESSAGE_TOPIC_ID, true)]
          const set = sets[view.getUint32(body + MESSAGE_FIELDSET_ID, true)]
          if (topic && set) {
            const bound = 256 + topic.tail.length + 4 * length + 2 * ncols
            if (this.at + bound > size) {
              if (this.at > 0) return p
              this.out = new Uint8Array(bound) // one row larger than the whole buffer
              size = bound
            }
            if (this.wideFormat) this.wide(t, topic, set, buf, body + MESSAGE_TEXT_OFFSET, next)
            else this.long(t, topic, set, buf, body + MESSAGE_TEXT_OFFSET, next)
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

  private wide(
    t: number,
    topic: TopicState,
    set: FieldSetState,
    buf: Uint8Array,
    s: number,
    e: number
  ): void {
    const out = this.out
    let at = this.rowStart(t, topic)
    const ncols = this.options.ncols
    if (set.block >= 0) {
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
    out[at++] = 13
    out[at++] = 10
    this.at = at
    this.rows++
  }

  private long(
    t: number,
    topic: TopicState,
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
        out.set(set.names[field], at)
        at += set.names[field].length
        out[at++] = COMMA
        out.set(set.units[field], at)
        at += set.units[field].length
        out[at++] = COMMA
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
  private rowStart(t: number, topic: TopicState): number {
    const ms = Math.floor(t)
    const head = this.head
    let frac = ms - this.second * 1000
    // Written so that NaN (no head yet) also rebuilds.
    if (!(frac >= 0 && frac < 1000) || (this.plainHead !== null && frac !== 0)) {
      this.buildHead(ms)
      frac = ms - this.second * 1000
    }
    const out = this.out
    let at = this.at
    if (this.plainHead) {
      out.set(this.plainHead, at)
      at += this.plainHead.length
    } else {
      const d = frac * 3
      const ms1 = this.ms1
      const ms2 = this.headLength - 3
      head[ms1] = head[ms2] = DIGITS[d]
      head[ms1 + 1] = head[ms2 + 1] = DIGITS[d + 1]
      head[ms1 + 2] = head[ms2 + 2] = DIGITS[d + 2]
      out.set(this.headView, at)
      at += this.headLength
    }
    out.set(topic.tail, at)
    return at + topic.tail.length
  }

  /**
   * The row head of a second: `YYYY-MM-DDTHH:MM:SS.mmmZ,<epoch seconds>mmm`, computed from
   * the epoch with integer arithmetic (no Date per row: a 1 Hz sensor starts a new second on
   * every row).
   */
  private buildHead(ms: number): void {
    const second = Math.floor(ms / 1000)
    this.second = second
    const days = Math.floor(second / 86400)
    if (days !== this.day) {
      this.day = days
      this.ymd = civilFromDays(days)
    }
    const [y, mo, d] = this.ymd
    if (second <= 0 || y > 9999) {
      // Before 1970 or after 9999: rare enough to format plainly, one exact millisecond at a time.
      this.second = ms / 1000
      this.plainHead = encoder.encode(`${new Date(ms).toISOString()},${ms}`)
      return
    }
    this.plainHead = null
    const sod = second - days * 86400
    const h = this.head
    // YYYY-MM-DDTHH:MM:SS.mmmZ,  (separators written once in the constructor)
    digits(h, 0, y, 4)
    digits(h, 5, mo, 2)
    digits(h, 8, d, 2)
    digits(h, 11, Math.floor(sod / 3600), 2)
    digits(h, 14, Math.floor(sod / 60) % 60, 2)
    digits(h, 17, sod % 60, 2)
    let width = 1
    for (let v = second; v >= 10; v = Math.floor(v / 10)) width++
    digits(h, 25, second, width)
    this.headLength = 25 + width + 3
    this.headView = h.subarray(0, this.headLength)
  }

  private defineTopic(buf: Uint8Array, body: number, end: number): void {
    const def = readTopic(asBuffer(buf), body, end)
    if (!def) return
    const { id, connection, topic } = def
    if (this.options.topics && !this.options.topics.has(topic)) {
      this.topicStates[id] = null
      this.options.onTopic?.(id, null)
      return
    }
    const text = this.options.withConnection
      ? `,${csvField(connection)},${csvField(topic)},`
      : `,${csvField(topic)},`
    const tail = encoder.encode(text)
    this.topicStates[id] = { tail }
    this.options.onTopic?.(id, tail)
  }

  private defineFieldSet(buf: Uint8Array, body: number, end: number): void {
    const def = readFieldSet(asBuffer(buf), body, end)
    if (!def) return
    const { id, names, units } = def
    const columns = Int32Array.from(names, (name) => this.options.columns.get(name) ?? -1)
    let block = columns.length > 0 ? columns[0] : -1
    for (let i = 0; i < columns.length && block >= 0; i++) if (columns[i] !== block + i) block = -1
    this.fieldSets[id] = {
      columns,
      block,
      names: names.map((s) => encoder.encode(csvField(s))),
      units: units.map((s) => encoder.encode(csvField(s)))
    }
    this.options.onFieldSet?.(
      id,
      block,
      block >= 0 ? this.options.ncols - block - columns.length : 0
    )
  }
}

function asBuffer(buf: Uint8Array): Buffer {
  return Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
}

/** Writes `value` as exactly `width` decimal digits at `at`. */
function digits(out: Uint8Array, at: number, value: number, width: number): void {
  for (let i = at + width - 1; i >= at; i--) {
    out[i] = 48 + (value % 10)
    value = Math.floor(value / 10)
  }
}

/** Year, month, day of a count of days since 1970-01-01 (proleptic Gregorian, H. Hinnant). */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d]
}
