// Readings as PostgreSQL's binary COPY format: no number is formatted as text on our side or
// parsed on the server's, and the server checks every value as it reads it.
//
//   file   = "PGCOPY\n\377\r\n\0", i32 flags 0, i32 extension 0, row*, i16 -1
//   row    = i16 3, (i32 8, i64 t), (i32 4, i32 series_id), (i32 8, f64 value)   (big endian)
//   t      = microseconds since 2000-01-01 UTC
import { from as copyFrom } from 'pg-copy-streams'
import type pg from 'pg'

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')
const HEADER = SIGNATURE.length + 8
const ROW = 2 + 4 + 8 + 4 + 4 + 4 + 8
const PG_EPOCH_MS = 946_684_800_000
/** Beyond this the microseconds do not fit PostgreSQL's timestamps (nor an i64 exactly). */
const MAX_US = 9.2e18

export interface CopyRows {
  t: Float64Array
  v: Float64Array
  /** The database id of each row's series. */
  ids: Int32Array
}

/** The rows `rows[from, to)` (indices into `data`; all rows when `rows` is null) as COPY data. */
export function encodeRows(
  data: CopyRows,
  rows: Int32Array | null,
  from: number,
  to: number
): Buffer {
  const b = Buffer.allocUnsafe(HEADER + (to - from) * ROW + 2)
  SIGNATURE.copy(b, 0)
  const view = new DataView(b.buffer, b.byteOffset, b.length)
  view.setInt32(SIGNATURE.length, 0)
  view.setInt32(SIGNATURE.length + 4, 0)
  let at = HEADER
  const { t, v, ids } = data
  for (let k = from; k < to; k++) {
    const i = rows ? rows[k] : k
    view.setInt16(at, 3)
    view.setInt32(at + 2, 8)
    writeMicros(view, at + 6, t[i])
    view.setInt32(at + 14, 4)
    view.setInt32(at + 18, ids[i])
    view.setInt32(at + 22, 8)
    view.setFloat64(at + 26, v[i])
    at += ROW
  }
  view.setInt16(at, -1)
  return b
}

/**
 * Epoch ms as PostgreSQL's i64 microseconds. A time no timestamp can hold is written as a
 * value the server refuses ("timestamp out of range"), so the row goes to the dead letters
 * with the database's own reason.
 */
function writeMicros(view: DataView, at: number, ms: number): void {
  const us = Math.round((ms - PG_EPOCH_MS) * 1000)
  if (!(us > -MAX_US && us < MAX_US)) {
    view.setInt32(at, 0x7fffffff)
    view.setInt32(at + 4, -2)
    return
  }
  const hi = Math.floor(us / 4294967296)
  view.setInt32(at, hi)
  view.setUint32(at + 4, us - hi * 4294967296)
}

export interface CopyOptions {
  /** Statements sent in the same message ahead of the COPY (BEGIN). */
  before?: string
  /** Statements sent in the same message after it (the position, COMMIT): one round trip. */
  after?: string
  /** Awaited once the COPY has started and before its data is sent. */
  beforeData?(): Promise<void>
  /** Called once the data is handed to the connection, while the server works on it. */
  onSent?(): void
}

/**
 * Sends one COPY ... FROM STDIN (FORMAT binary) with `data`, with other statements around
 * it in the same message, and waits for the server's answer to all of them.
 */
export async function copyIn(
  client: pg.Client,
  table: string,
  data: Buffer,
  options: CopyOptions = {}
): Promise<void> {
  const copy = `COPY ${table} (t, series_id, value) FROM STDIN (FORMAT binary)`
  const text = [options.before, copy, options.after].filter(Boolean).join(';\n')
  const stream = client.query(copyFrom(text))
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', () => resolve())
    stream.on('error', reject)
  })
  let failed = false
  done.catch(() => (failed = true))
  if (options.beforeData) await options.beforeData()
  try {
    if (failed) return done
    const { onSent } = options
    // The data goes out when the server asks for it ('drain'): then CopyDone follows, and
    // the caller's work overlaps the server's.
    if (stream.write(data) || !onSent) stream.end()
    else
      stream.once('drain', () => {
        stream.end()
        onSent()
      })
  } catch {
    // The session ended while the COPY waited for its data: `done` says how.
  }
  return done
}
