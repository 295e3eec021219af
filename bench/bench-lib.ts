// Shared shape of benchmark results, and helpers the benches share. Every number is a ratio
// against a reference measured in the same run on the same machine, so a slow or busy machine
// does not change the verdict.
import * as fs from 'node:fs'

export interface BenchResult {
  /** What was measured, e.g. "Ingest (msg/s)". */
  name: string
  /** Our figure and the reference's, with units. */
  ours: string
  reference: string
  /** ours / reference, in the direction the goal states. */
  ratio: number
  /** e.g. ">= 0.8" or "<= 1.0". */
  goal: string
  pass: boolean
  note?: string
}

export interface Bench {
  title: string
  run(): Promise<BenchResult[]>
}

export function atLeast(ratio: number, goal: number): Pick<BenchResult, 'ratio' | 'goal' | 'pass'> {
  return { ratio, goal: `>= ${goal}`, pass: ratio >= goal }
}

export function atMost(ratio: number, goal: number): Pick<BenchResult, 'ratio' | 'goal' | 'pass'> {
  return { ratio, goal: `<= ${goal}`, pass: ratio <= goal }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

/** Resident set size of a process in bytes (Linux). */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)
  if (!kb) throw new Error(`no VmRSS for process ${pid}`)
  return Number(kb[1]) * 1024
}
