// The diff view: a message against the one before it, line by line (Myers' algorithm).
// JSON is compared pretty-printed, other text as it is, bytes as hex dump lines.
import { payloadText } from '../../../shared/payload-text'
import { hexDump } from './hex-dump'

export interface DiffOp {
  kind: 'same' | 'added' | 'removed'
  text: string
}

export interface PayloadDiff {
  mode: 'json' | 'text' | 'hex'
  /** Null when the two differ in more lines than a diff is shown for. */
  ops: DiffOp[] | null
  changed: number
}

/** Lines that may differ (after the common start and end) before the diff gives up. */
export const MAX_DIFF_EDITS = 1000

function myers(a: readonly string[], b: readonly string[], maxD: number): DiffOp[] | null {
  const n = a.length
  const m = b.length
  const off = maxD + 1
  const v = new Int32Array(2 * maxD + 3)
  const trace: Int32Array[] = []
  for (let d = 0; d <= Math.min(n + m, maxD); d++) {
    trace.push(v.slice())
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[off + k - 1] < v[off + k + 1])
          ? v[off + k + 1]
          : v[off + k - 1] + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      v[off + k] = x
      if (x >= n && y >= m) return backtrack(a, b, trace, d, off)
    }
  }
  return null
}

function backtrack(
  a: readonly string[],
  b: readonly string[],
  trace: Int32Array[],
  depth: number,
  off: number
): DiffOp[] {
  const ops: DiffOp[] = []
  let x = a.length
  let y = b.length
  for (let d = depth; d > 0; d--) {
    const v = trace[d]
    const k = x - y
    const prevK = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? k + 1 : k - 1
    const prevX = v[off + prevK]
    const prevY = prevX - prevK
    while (x > prevX && y > prevY) {
      ops.push({ kind: 'same', text: a[--x] })
      y--
    }
    if (x === prevX) ops.push({ kind: 'added', text: b[--y] })
    else ops.push({ kind: 'removed', text: a[--x] })
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: 'same', text: a[--x] })
    y--
  }
  return ops.reverse()
}

/** Line diff of `before` -> `after`; null when more than `maxEdits` lines differ. */
export function diffLines(
  before: readonly string[],
  after: readonly string[],
  maxEdits = MAX_DIFF_EDITS
): DiffOp[] | null {
  let start = 0
  while (start < before.length && start < after.length && before[start] === after[start]) start++
  let endA = before.length
  let endB = after.length
  while (endA > start && endB > start && before[endA - 1] === after[endB - 1]) {
    endA--
    endB--
  }
  const middle = myers(before.slice(start, endA), after.slice(start, endB), maxEdits)
  if (!middle) return null
  return [
    ...before.slice(0, start).map((text): DiffOp => ({ kind: 'same', text })),
    ...middle,
    ...before.slice(endA).map((text): DiffOp => ({ kind: 'same', text }))
  ]
}

function asJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return null
  }
}

function hexLines(bytes: Uint8Array): string[] {
  return hexDump(bytes).map((l) => `${l.offset}  ${l.hex}  ${l.ascii}`)
}

export function payloadDiff(before: Uint8Array, after: Uint8Array): PayloadDiff {
  const ta = payloadText(before)
  const tb = payloadText(after)
  let mode: PayloadDiff['mode'] = 'hex'
  let a: string[]
  let b: string[]
  if (ta !== null && tb !== null) {
    const ja = asJson(ta)
    const jb = asJson(tb)
    if (ja !== null && jb !== null) {
      mode = 'json'
      a = ja.split('\n')
      b = jb.split('\n')
    } else {
      mode = 'text'
      a = ta.split('\n')
      b = tb.split('\n')
    }
  } else {
    a = hexLines(before)
    b = hexLines(after)
  }
  const ops = diffLines(a, b)
  return { mode, ops, changed: ops ? ops.filter((o) => o.kind !== 'same').length : -1 }
}
