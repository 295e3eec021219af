// RFC 4180 helpers shared by the streaming exporter and the tests.

/**
 * A text cell (topic, connection, field name, unit), never a number: quoted when it holds a
 * comma, quote, CR or LF (or leading/trailing space). One that starts like a formula (`=`,
 * `+`, `-`, `@`, tab or CR) gets a leading `'`, so a spreadsheet shows it as text instead of
 * running it: topics come from the broker, and anyone may publish one.
 */
export function csvField(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  if (/[",\r\n]/.test(text) || /^\s|\s$/.test(text)) return `"${text.replace(/"/g, '""')}"`
  return text
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
