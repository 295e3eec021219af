// Small helpers the decoder tests share: reading rows and their journal text.
import { decoderSchema, type DecoderConfig } from '../../../../shared/schemas'
import type { DecodedRow, DecodeOutcome } from '../types'

export const NOW = 1_700_000_000_000

export const config = (over: Partial<DecoderConfig> = {}): DecoderConfig =>
  decoderSchema.parse(over)

export function rowsOf(outcome: DecodeOutcome): readonly DecodedRow[] {
  if (!outcome.ok) throw new Error(`expected ok, got error: ${outcome.error}`)
  return outcome.rows
}

export function errorOf(outcome: DecodeOutcome): string {
  if (outcome.ok) throw new Error(`expected an error, got ${outcome.rows.length} row(s)`)
  return outcome.error
}

/** What the journal keeps for a row (and the CSV export writes). */
export function textOf(row: DecodedRow): string {
  return Buffer.from(row.text.subarray(row.textStart, row.textEnd)).toString('utf8')
}

/** Fields to values of one row, as a plain object for toEqual. */
export function valuesOf(row: DecodedRow): Record<string, number> {
  return Object.fromEntries(row.fields.map((f, i) => [f, row.values[i]]))
}

/** Deterministic PRNG so a failure is reproducible. */
export function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
