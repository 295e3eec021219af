// What the journal keeps of a message's payload: nothing more when it is the values' text,
// else the payload up to a limit (marked as cut).
import type { DecodedRow } from '../decode'
import {
  PAYLOAD_IS_TEXT,
  PAYLOAD_PREVIOUS,
  PAYLOAD_TRUNCATED,
  PAYLOAD_WHOLE,
  type KeptPayload
} from './journal-format'

const NO_BYTES = new Uint8Array(0)

/** A message's further rows: the payload went with its first row. */
export const CONTINUATION: KeptPayload = { kind: PAYLOAD_PREVIOUS, size: 0, bytes: NO_BYTES }

export class PayloadKeeper {
  /** One answer object, filled again for each message: the writer reads it at once. */
  private readonly kept: KeptPayload = { kind: PAYLOAD_WHOLE, size: 0, bytes: NO_BYTES }

  constructor(private readonly limitBytes: number) {}

  /** What to keep of `payload`, decoded as `row` (none: it did not decode). */
  keep(payload: Uint8Array, row?: DecodedRow): KeptPayload {
    const kept = this.kept
    const size = payload.byteLength
    kept.size = size
    if (row && row.textEnd - row.textStart === size) {
      const same = row.text === payload || sameBytes(payload, row.text, row.textStart, size)
      if (same) {
        kept.kind = PAYLOAD_IS_TEXT
        kept.bytes = NO_BYTES
        return kept
      }
    }
    const truncated = size > this.limitBytes
    kept.kind = truncated ? PAYLOAD_TRUNCATED : PAYLOAD_WHOLE
    kept.bytes = truncated ? payload.subarray(0, this.limitBytes) : payload
    return kept
  }
}

/** Whether `a` equals `size` bytes of `b` from `start` (a loop: most payloads are short). */
function sameBytes(a: Uint8Array, b: Uint8Array, start: number, size: number): boolean {
  if (size > 64)
    return Buffer.from(a.buffer, a.byteOffset, size).equals(
      Buffer.from(b.buffer, b.byteOffset + start, size)
    )
  for (let i = 0; i < size; i++) if (a[i] !== b[start + i]) return false
  return true
}
