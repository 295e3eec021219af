import type { DecodeOutcome, Decoder } from './types'
import { preview, tooLarge } from './types'
import type { TimestampConfig } from '../../../shared/schemas'
import { MAX_NESTING } from '../limits'
import { nestingDepthOver } from './nesting'
import { StructuredRows } from './structured-rows'

/**
 * JSON objects, or arrays of objects (the reference `[{"ts":...,"temp":...}]`: one row per
 * element). Numeric fields become series, nested ones by dot path; a timestamp field gives t.
 */
export class JsonDecoder implements Decoder {
  readonly format = 'json'
  private readonly decoder = new TextDecoder('utf-8', { fatal: true })
  private readonly rows: StructuredRows

  constructor(paths: readonly string[], timestamp: TimestampConfig) {
    this.rows = new StructuredRows('JSON', paths, timestamp)
  }

  decode(payload: Uint8Array, receivedAt: number): DecodeOutcome {
    const large = tooLarge(payload)
    if (large) return { ok: false, error: large }
    if (payload.byteLength === 0) return { ok: false, error: 'empty payload' }
    if (nestingDepthOver(payload, MAX_NESTING))
      return { ok: false, error: `JSON nested deeper than ${MAX_NESTING} levels` }
    let parsed: unknown
    try {
      parsed = JSON.parse(this.decoder.decode(payload))
    } catch (error) {
      const reason = error instanceof SyntaxError ? error.message : 'not UTF-8 text'
      return { ok: false, error: `malformed JSON (${reason}): "${preview(payload)}"` }
    }
    return this.rows.decode(parsed, receivedAt)
  }
}
