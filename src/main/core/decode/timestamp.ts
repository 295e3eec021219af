import type { TimestampConfig } from '../../../shared/schemas'

// Epoch values below this are seconds (it is 5138 AD in seconds, 1973 in milliseconds).
const SECONDS_LIMIT = 1e11

/** Turns a payload timestamp into epoch ms, or null when it is not a usable time. */
export function parseTimestamp(
  text: string | null,
  numeric: number,
  format: TimestampConfig['format']
): number | null {
  if (format === 'iso' || (format === 'auto' && Number.isNaN(numeric) && text)) {
    const ms = text ? Date.parse(text) : NaN
    return Number.isFinite(ms) ? ms : null
  }
  if (!Number.isFinite(numeric)) return null
  if (format === 'epoch_s') return numeric * 1000
  if (format === 'epoch_ms') return numeric
  return Math.abs(numeric) < SECONDS_LIMIT ? numeric * 1000 : numeric
}

/** JSON: the value of a timestamp field, a number or a string. */
export function timestampFromJson(
  value: unknown,
  format: TimestampConfig['format']
): number | null {
  if (typeof value === 'number')
    return parseTimestamp(null, value, format === 'iso' ? 'auto' : format)
  if (typeof value === 'string') {
    const numeric = value.trim() !== '' ? Number(value) : NaN
    return parseTimestamp(value, Number.isFinite(numeric) ? numeric : NaN, format)
  }
  return null
}
