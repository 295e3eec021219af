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
  b.writeInt32BE(0, SIGNATURE.length)
  b.writeInt32BE(0, SIGNATURE.length + 4)
  let at = HEADER
  const { t, v, ids } = data
  for (let k = from; k < to; k++) {
    const i = rows ? rows[k] : k
    b.writeInt16BE(3, at)
    b.writeInt32BE(8, at + 2)
    writeMicros(b, at + 6, t[i])
    b.writeInt32BE(4, at + 14)
    b.writeInt32BE(ids[i], at + 18)
    b.writeInt32BE(8, at + 22)
    b.writeDoubleBE(v[i], at + 26)
    at += ROW
  }
  b.writeInt16BE(-1, at)
  return b
}

/**
 * Epoch ms as PostgreSQL's i64 microseconds. A time no timestamp can hold is written as a
 * value the server refuses ("timestamp out of range"), so the row goes to the dead letters
 * with the database's own reason.
 */
function writeMicros(b: Buffer, at: number, ms: number): void {
  const us = Math.round((ms - PG_EPOCH_MS) * 1000)
  if (!(us > -MAX_US && us < MAX_US)) {
    b.writeInt32BE(0x7fffffff, at)
    b.writeInt32BE(-2, at + 4)
    return
  }
  const hi = Math.floor(us / 4294967296)
  b.writeInt32BE(hi, at)
  b.writeUInt32BE(us - hi * 4294967296, at + 4)
}

/** Sends one COPY ... FROM STDIN (FORMAT binary) with `data` and waits for the server's answer. */
export function copyIn(client: pg.Client, table: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(
      copyFrom(`COPY ${table} (t, series_id, value) FROM STDIN (FORMAT binary)`)
    )
    stream.on('finish', () => resolve())
    stream.on('error', reject)
    stream.end(data)
  })
}
