/**
 * True when JSON text nests arrays or objects deeper than `max`, checked on the bytes before
 * parsing: a payload of 100,000 `[` parses, but anything recursive over the result would
 * overflow the stack. Brackets inside strings do not count.
 */
export function nestingDepthOver(bytes: Uint8Array, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]
    if (inString) {
      if (c === 92 /* \\ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--
  }
  return false
}
