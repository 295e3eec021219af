// Limits that hold wherever a message or a request enters the core. Each one bounds memory
// or work that an input could otherwise make as large as it likes; a message over a limit is
// counted on its topic with the reason, never thrown.
import { MAX_SET_FIELDS, MAX_STR_BYTES } from './capture/journal-format'

/** Numeric fields one message may carry (CSV columns, JSON numbers, metrics). */
export const MAX_FIELDS_PER_MESSAGE = 1000
/** Distinct fields one topic may have over its life: each is a series with its own memory. */
export const MAX_FIELDS_PER_TOPIC = 1000
/** Distinct combinations of fields one topic may produce (JSON with optional keys). */
export const MAX_FIELD_SETS_PER_TOPIC = 256
/** Rows one message may give (a JSON array of readings). */
export const MAX_ROWS_PER_MESSAGE = 10_000
/** How deep JSON (and other nested formats) may nest before it is refused unparsed. */
export const MAX_NESTING = 64
/** Bytes of a field name (a JSON dot path); a longer one is skipped with a warning. */
export const MAX_FIELD_NAME_BYTES = 256

/**
 * True when the limits fit the journal's fixed-width fields (u16 field count, u16 name
 * length), so no input can overflow the format. A test holds this.
 */
export function limitsFitJournal(): boolean {
  return (
    MAX_FIELDS_PER_MESSAGE <= MAX_SET_FIELDS &&
    MAX_FIELDS_PER_TOPIC <= MAX_SET_FIELDS &&
    MAX_FIELD_NAME_BYTES <= MAX_STR_BYTES
  )
}

export function fmtCount(n: number): string {
  return n.toLocaleString('en-US')
}
