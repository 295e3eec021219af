// The hex view: 16 bytes a line, the offset in hex, the bytes, and the printable ASCII.

export const HEX_LINE_BYTES = 16

export interface HexLine {
  offset: string
  hex: string
  ascii: string
}

/** One line per 16 bytes; `base` is the offset of `bytes[0]` in the whole payload. */
export function hexDump(bytes: Uint8Array, base = 0): HexLine[] {
  const lines: HexLine[] = []
  for (let start = 0; start < bytes.length; start += HEX_LINE_BYTES) {
    const end = Math.min(bytes.length, start + HEX_LINE_BYTES)
    let hex = ''
    let ascii = ''
    for (let i = start; i < start + HEX_LINE_BYTES; i++) {
      if (i === start + 8) hex += ' '
      if (i < end) {
        const b = bytes[i]
        hex += (i > start ? ' ' : '') + b.toString(16).padStart(2, '0')
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'
      } else {
        hex += i > start ? '   ' : '  '
      }
    }
    lines.push({ offset: (base + start).toString(16).padStart(8, '0'), hex, ascii })
  }
  return lines
}

/** The bytes as plain hex digits in pairs (what Copy gives for a binary payload). */
export function hexString(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++)
    out += (i ? ' ' : '') + bytes[i].toString(16).padStart(2, '0')
  return out
}
