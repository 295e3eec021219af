// Binary struct layouts in the convention of Python's `struct` module: a byte order, then one
// letter per value with an optional count (`<fff`, `>hHiB`, `<I3f`, `<2xH`). Shared by the
// settings form (to say what is wrong while typing) and the decoder. Standard sizes, no
// alignment padding: the layouts firmware authors write for packed C structs.

export type StructCode =
  '?' | 'b' | 'B' | 'h' | 'H' | 'i' | 'I' | 'l' | 'L' | 'q' | 'Q' | 'e' | 'f' | 'd'

export interface StructItem {
  code: StructCode
  offset: number
  size: number
}

export interface StructLayout {
  littleEndian: boolean
  /** The values in order (pad bytes `x` are not values). */
  items: StructItem[]
  /** Bytes the layout reads. */
  size: number
}

const SIZES: Record<StructCode | 'x', number> = {
  x: 1,
  '?': 1,
  b: 1,
  B: 1,
  h: 2,
  H: 2,
  i: 4,
  I: 4,
  l: 4,
  L: 4,
  q: 8,
  Q: 8,
  e: 2,
  f: 4,
  d: 8
}

const NOT_NUMBERS: Record<string, string> = {
  s: 'text',
  p: 'Pascal text',
  c: 'a character',
  n: 'native size',
  N: 'native size',
  P: 'a pointer'
}

/** Values one layout may have, and bytes it may read (a payload is at most 1 MB). */
export const MAX_STRUCT_ITEMS = 1000
export const MAX_STRUCT_BYTES = 1024 * 1024

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

export type LayoutResult = { ok: true; layout: StructLayout } | { ok: false; error: string }

/** Parses a layout, or says in words what is wrong with it. */
export function parseStructLayout(text: string): LayoutResult {
  const s = text.trim()
  if (s === '') return { ok: false, error: 'the struct layout is empty; write e.g. <fff' }
  const order = s[0]
  let littleEndian: boolean
  if (order === '<') littleEndian = true
  else if (order === '>' || order === '!') littleEndian = false
  else if (order === '=') littleEndian = LITTLE_ENDIAN_HOST
  else
    return {
      ok: false,
      error: `start the struct layout with < (little-endian) or > (big-endian), e.g. <${s.replace(/^@/, '')}; native alignment (@) is not supported`
    }
  const items: StructItem[] = []
  let offset = 0
  let i = 1
  while (i < s.length) {
    const ch = s[i]
    if (ch === ' ' || ch === '\t') {
      i++
      continue
    }
    let count = 1
    if (ch >= '0' && ch <= '9') {
      let j = i
      while (j < s.length && s[j] >= '0' && s[j] <= '9') j++
      count = Number(s.slice(i, j))
      if (j === s.length)
        return {
          ok: false,
          error: `the count ${count} at the end of the struct layout needs a type after it`
        }
      i = j
    }
    const code = s[i]
    const size = SIZES[code as StructCode | 'x']
    if (size === undefined) {
      if (NOT_NUMBERS[code])
        return {
          ok: false,
          error: `struct type '${code}' (${NOT_NUMBERS[code]}) is not supported: only numbers (x ? b B h H i I l L q Q e f d)`
        }
      return {
        ok: false,
        error: `unknown struct type '${code}' at position ${i + 1} of the layout`
      }
    }
    if (offset + count * size > MAX_STRUCT_BYTES)
      return { ok: false, error: 'the struct layout reads more than 1 MB, the largest payload' }
    if (code === 'x') {
      offset += count
    } else {
      if (items.length + count > MAX_STRUCT_ITEMS)
        return { ok: false, error: `the struct layout has more than ${MAX_STRUCT_ITEMS} values` }
      for (let k = 0; k < count; k++) {
        items.push({ code: code as StructCode, offset, size })
        offset += size
      }
    }
    i++
  }
  if (items.length === 0)
    return { ok: false, error: 'the struct layout has no values, only padding' }
  return { ok: true, layout: { littleEndian, items, size: offset } }
}

/** The field names for a layout: the given ones, then field1, field2... for the rest. */
export function structFieldNames(layout: StructLayout, names: readonly string[]): string[] {
  return layout.items.map((_, i) => names[i] ?? `field${i + 1}`)
}
