// RFC 4180 text for the exporter's header, topics, field names, units and payloads.

/**
 * A text cell (topic, connection, field name, unit, payload): quoted when it holds a comma,
 * quote, CR or LF (or leading/trailing space). One that starts like a formula (`=`, `+`, `-`,
 * `@`, tab or CR) and is not a plain number gets a leading `'`, so a spreadsheet shows it as
 * text instead of running it: topics and payloads come from the broker, and anyone may
 * publish one.
 */
export function csvField(value: string): string {
  const formula = /^[=+\-@\t\r]/.test(value) && !/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value)
  const text = formula ? `'${value}` : value
  if (/[",\r\n]/.test(text) || /^\s|\s$/.test(text)) return `"${text.replace(/"/g, '""')}"`
  return text
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`
}

/** Excel reads a file as UTF-8 (°C, µg/m³) only when it starts with this mark. */
export const UTF8_BOM = '\ufeff'
