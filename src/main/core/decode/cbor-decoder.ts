import { Decoder as CborX, FLOAT32_OPTIONS } from 'cbor-x'
import type { TimestampConfig } from '../../../shared/schemas'
import { checkCbor } from './cbor-scan'
import { readCborMap } from './cbor-flat'
import { FlatMap } from './flat-map'
import { StructuredRows } from './structured-rows'
import type { DecodeOutcome, Decoder } from './types'
import { tooLarge } from './types'

/** CBOR (RFC 8949), read like JSON: the same objects, arrays of objects and dot paths. */
export class CborDecoder implements Decoder {
  readonly format = 'cbor'
  private readonly rows: StructuredRows
  private readonly flat = new FlatMap()
  private readonly cbor = new CborX({
    mapsAsObjects: true,
    useRecords: false,
    // Float32 values come back as the decimal they were written from (22.31, not 22.3099994…).
    useFloat32: FLOAT32_OPTIONS.DECIMAL_ROUND
  })

  constructor(paths: readonly string[], timestamp: TimestampConfig) {
    this.rows = new StructuredRows('CBOR', paths, timestamp)
  }

  decode(payload: Uint8Array, receivedAt: number): DecodeOutcome {
    const large = tooLarge(payload)
    if (large) return { ok: false, error: large }
    // The usual shape, read in one pass; anything else is checked and decoded by the library.
    if (readCborMap(payload, this.flat)) {
      const outcome = this.rows.decodeFlat(this.flat, receivedAt)
      if (outcome) return outcome
    }
    const refused = checkCbor(payload)
    if (refused) return { ok: false, error: refused }
    let parsed: unknown
    try {
      parsed = this.cbor.decode(payload)
    } catch (error) {
      return {
        ok: false,
        error: `malformed CBOR (${String((error as Error)?.message).slice(0, 120)})`
      }
    }
    return this.rows.decode(parsed, receivedAt)
  }
}
