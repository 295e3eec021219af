// Text for series names and values shown in legends.
import type { SeriesDef } from '../../../shared/types'

/** `topic field`, prefixed with the connection when readings come from more than one. */
export function seriesLabel(def: SeriesDef, multipleConnections: boolean): string {
  const base = `${def.topic} ${def.field}`
  return multipleConnections ? `${def.connection}: ${base}` : base
}

/** Two decimals, trailing zeros dropped; tiny and huge values keep significant digits. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '—'
  const abs = Math.abs(value)
  if (abs !== 0 && (abs < 0.01 || abs >= 1e9)) return Number(value.toPrecision(3)).toString()
  return String(Math.round(value * 100) / 100)
}

export function formatWithUnit(value: number, unit: string): string {
  const text = formatValue(value)
  return unit && text !== '—' ? `${text} ${unit}` : text
}
