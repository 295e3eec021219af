// RFC 4180 helpers shared by the streaming exporter and the tests.

/** Quotes a field when it holds a comma, quote, CR or LF (or leading/trailing space). */
export function csvField(value: string): string {
  if (/[",\r\n]/.test(value) || /^\s|\s$/.test(value)) return `"${value.replace(/"/g, '""')}"`
  return value
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`
}

/** Header name of a value column: `pressure (hPa)`, or the bare field without a unit. */
export function columnName(field: string, unit: string): string {
  return unit ? `${field} (${unit})` : field
}

/** Excel reads a file as UTF-8 (°C, µg/m³) only when it starts with this mark. */
export const UTF8_BOM = '\ufeff'
