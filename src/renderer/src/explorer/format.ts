// Short figures for the tree and the inspector.
import type { TreeSparkplugState } from '../../../shared/topic-types'

// One formatter for every call: toLocaleString sets one up each time, and the tree formats
// its counts for every row in view several times a second.
const integers = new Intl.NumberFormat('en-US')

/** A whole number with thousands separators (as toLocaleString('en-US')). */
export function fmtInt(n: number): string {
  return integers.format(n)
}

export function compactCount(n: number): string {
  if (n < 10_000) return fmtInt(n)
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`
  return `${(n / 1_000_000).toFixed(1)}M`
}

export function fmtRate(r: number): string {
  if (r >= 100) return `${Math.round(r)}/s`
  if (r >= 0.995) return `${r.toFixed(1)}/s`
  if (r >= 0.01) return `${r.toFixed(2)}/s`
  return ''
}

export function fmtAge(ms: number): string {
  const s = Math.max(0, ms) / 1000
  if (s < 1) return 'now'
  if (s < 60) return `${Math.floor(s)} s ago`
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`
  return `${Math.floor(s / 86400)} d ago`
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1048576).toFixed(1)} MB`
}

/** HH:MM:SS.mmm in local time. */
export function fmtClock(ms: number): string {
  const d = new Date(ms)
  const p = (n: number, w = 2): string => String(n).padStart(w, '0')
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`
}

/** A Sparkplug edge node's or device's state in words (never colour alone). */
export function sparkplugWords(sp: TreeSparkplugState): string {
  const state = sp.status === 'unknown' ? 'state unknown' : sp.status
  if (sp.seqGaps === 0) return state
  return `${state} · ${sp.seqGaps.toLocaleString('en-US')} seq gap${sp.seqGaps === 1 ? '' : 's'}`
}
