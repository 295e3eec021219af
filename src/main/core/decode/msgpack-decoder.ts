import { Unpackr, FLOAT32_OPTIONS } from 'msgpackr'
import type { TimestampConfig } from '../../../shared/schemas'
import { checkMsgpack } from './msgpack-scan'
import { readMsgpackMap } from './msgpack-flat'
import { FlatMap } from './flat-map'
import { StructuredRows } from './structured-rows'
import type { DecodeOutcome, Decoder } from './types'
import { tooLarge } from './types'

/** MessagePack, read like JSON: the same objects, arrays of objects and dot paths. */
export class MsgpackDecoder implements Decoder {
  readonly format = 'msgpack'
  private readonly rows: StructuredRows
  private readonly flat = new FlatMap()
  private readonly unpackr = new Unpackr({
    mapsAsObjects: true,
    useRecords: false,
    int64AsType: 'number',
    // Float32 values come back as the decimal they were written from (22.31, not 22.3099994…).
    useFloat32: FLOAT32_OPTIONS.DECIMAL_ROUND
  })

  constructor(paths: readonly string[], timestamp: TimestampConfig) {
    this.rows = new StructuredRows('MessagePack', paths, timestamp)
  }

  decode(payload: Uint8Array, receivedAt: number): DecodeOutcome {
    const large = tooLarge(payload)
    if (large) return { ok: false, error: large }
    // The usual shape, read in one pass; anything else is checked and decoded by the library.
    if (readMsgpackMap(payload, this.flat)) {
      const outcome = this.rows.decodeFlat(this.flat, receivedAt)
      if (outcome) return outcome
    }
    const refused = checkMsgpack(payload)
    if (refused) return { ok: false, error: refused }
    let parsed: unknown
    try {
      parsed = this.unpackr.unpack(payload)
    } catch (error) {
      return {
        ok: false,
        error: `malformed MessagePack (${String((error as Error)?.message).slice(0, 120)})`
      }
    }
    return this.rows.decode(parsed, receivedAt)
  }
}
