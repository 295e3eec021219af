// One CBOR or MessagePack map of the usual shape, read straight from the bytes as a flat list
// of entries in document order (nested maps followed by their own entries): what the library
// decode, the safety scan and the walk for numbers did in three passes with an object per
// map, done in one pass without building anything. Readers fill it and give up (returning
// false) on anything else; the caller then decodes the payload as before.
import { MAX_FIELDS_PER_MESSAGE } from '../limits'

export const KIND_NUMBER = 0
export const KIND_BOOLEAN = 1
export const KIND_NULL = 2
export const KIND_UNDEFINED = 3
/** Text or bytes: not a number, and not read further. */
export const KIND_OTHER = 4
export const KIND_MAP = 5

/** Levels of maps read here: as deep as the walk for numbers goes (MAX_DEPTH there). */
export const MAX_FLAT_DEPTH = 8
/** Entries read here; more go to the library and the per-message limits. */
const MAX_ENTRIES = MAX_FIELDS_PER_MESSAGE
/** Entries of one map checked for repeated keys; bigger maps go to the library. */
const MAX_MAP_KEYS = 256

/**
 * The entries of the last map read, in arrays reused from message to message; a key and its
 * dot path are kept per position, so a message shaped like the last makes no new strings.
 */
export class FlatMap {
  count = 0
  readonly key: string[] = []
  readonly path: string[] = []
  readonly depth: number[] = []
  readonly kind: number[] = []
  readonly value: number[] = []
  /** For a map entry: the index after its last descendant. */
  readonly end: number[] = []
  private readonly parentPath: string[] = []
  /** Per position, the index of the first entry of its map (for the repeated-keys check). */
  private readonly first: number[] = []
  /** Leading positions of the last map read whole: their keys were checked for repeats. */
  private verified = 0
  /** Positions below this whose key, depth and map are as last time need no check again. */
  private trusted = 0

  reset(): void {
    this.count = 0
    this.trusted = this.verified
    this.verified = 0
  }

  /** The reader took the whole payload: its keys stay checked for the next one. */
  done(): void {
    this.verified = this.count
  }

  /**
   * Adds an entry whose key is the bytes b[start, stop) of the map whose first entry is
   * `first`: its index, or -1 when the key is not plain ASCII text a JS object keeps in order
   * (empty, starting with a digit, `__proto__`) or repeats a key of the same map.
   */
  add(
    b: Uint8Array,
    start: number,
    stop: number,
    depth: number,
    prefix: string,
    first: number
  ): number {
    const i = this.count
    const length = stop - start
    if (i >= MAX_ENTRIES || length === 0 || i - first >= MAX_MAP_KEYS) return -1
    const c0 = b[start]
    if (c0 >= 48 && c0 <= 57) return -1
    let key = this.key[i]
    let same = key !== undefined && key.length === length
    for (let k = 0; k < length; k++) {
      const c = b[start + k]
      if (c >= 128) return -1
      if (same && key.charCodeAt(k) !== c) same = false
    }
    if (!same) {
      key = latin1(b, start, stop)
      if (key === '__proto__') return -1
      this.key[i] = key
      this.parentPath[i] = '\u0000' // forces the path below
    }
    if (!(same && i < this.trusted && this.depth[i] === depth && this.first[i] === first)) {
      this.trusted = Math.min(this.trusted, i)
      for (let j = first; j < i; j++) if (this.depth[j] === depth && this.key[j] === key) return -1
    }
    this.first[i] = first
    if (this.parentPath[i] !== prefix || !same) {
      this.parentPath[i] = prefix
      this.path[i] = prefix ? `${prefix}.${key}` : key
    }
    this.depth[i] = depth
    this.count = i + 1
    return i
  }

  /** The index of a top-level key, or -1. */
  top(name: string): number {
    for (let i = 0; i < this.count; i++) if (this.depth[i] === 0 && this.key[i] === name) return i
    return -1
  }
}

/** ASCII bytes as a flat string (one built by += is a chain of pieces, slow to read back). */
function latin1(b: Uint8Array, start: number, stop: number): string {
  return String.fromCharCode.apply(null, b.subarray(start, stop) as unknown as number[])
}

// The float32 rounding of the libraries' FLOAT32_OPTIONS.DECIMAL_ROUND, the same table and
// formula, so a float32 read here is the very number the library gives.
const MULT10: number[] = []
for (let i = 0; i < 256; i++) MULT10.push(+('1e' + Math.floor(45.15 - i * 0.30103)))
const scratchBuffer = new ArrayBuffer(8)
const scratchBytes = new Uint8Array(scratchBuffer)
const scratch = new DataView(scratchBuffer)

/** A big-endian float32 at `at`, rounded as the libraries round it. */
export function float32Rounded(b: Uint8Array, at: number): number {
  for (let k = 0; k < 4; k++) scratchBytes[k] = b[at + k]
  const value = scratch.getFloat32(0)
  const multiplier = MULT10[((b[at] & 0x7f) << 1) | (b[at + 1] >> 7)]
  return ((multiplier * value + (value > 0 ? 0.5 : -0.5)) >> 0) / multiplier
}

/** A big-endian float64 at `at`. */
export function float64(b: Uint8Array, at: number): number {
  for (let k = 0; k < 8; k++) scratchBytes[k] = b[at + k]
  return scratch.getFloat64(0)
}
