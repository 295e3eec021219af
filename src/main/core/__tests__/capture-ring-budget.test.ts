// The in-memory chart data of a long run at 600 series: one budget of points for all series,
// through the real ingest path (CSV decoder, capture store, journal) and on reopening the
// journal.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { newProfile } from '../../../shared/defaults'
import type { HistorySnapshot } from '../../../shared/types'
import { CaptureStore } from '../capture/capture-store'
import { Ingest } from '../ingest'

const TOPICS = 200
const BUDGET = 60_000
const encoder = new TextEncoder()

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

function held(snapshot: HistorySnapshot): number {
  return snapshot.series.reduce((n, s) => n + s.t.length, 0)
}

/** Each series' points by topic and field (ids are per run). */
function byName(snapshot: HistorySnapshot): Map<string, { t: number[]; v: number[] }> {
  const series = new Map(snapshot.series.map((s) => [s.id, s]))
  return new Map(
    snapshot.defs.map((d) => {
      const s = series.get(d.id)!
      return [`${d.topic} ${d.field}`, { t: Array.from(s.t), v: Array.from(s.v) }]
    })
  )
}

describe('the chart points of 600 series over a long run', () => {
  it('hold one budget of points in all, keep each series’ newest reading, and stay within it on reopening', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ring-budget-'))
    dirs.push(dir)
    const store = await CaptureStore.open({ dir, ringPoints: BUDGET, flushMs: 60_000 })
    const ingest = new Ingest(
      newProfile('p', {
        topics: [{ filter: 'soak/#', qos: 0, decoder: { format: 'csv' } }]
      } as never),
      store
    )
    let round = 0
    const feed = (rounds: number): void => {
      for (let r = 0; r < rounds; r++, round++) {
        for (let i = 0; i < TOPICS; i++) {
          ingest.handle(`soak/t${i}`, encoder.encode(`${round}.5,${i},${round + i}`))
        }
      }
    }
    let last: HistorySnapshot | null = null
    for (let step = 0; step < 6; step++) {
      feed(100) // 60,000 points a step: the budget once over
      const snapshot = store.snapshot()
      last = snapshot
      expect(snapshot.defs).toHaveLength(3 * TOPICS)
      // Full from the first step on, and never more: the newest 100 rounds of every series.
      expect(held(snapshot)).toBe(BUDGET)
      for (const s of snapshot.series) expect(s.t.length).toBe(100)
      // Every series still has its newest reading.
      const byId = new Map(snapshot.series.map((s) => [s.id, s]))
      for (const def of snapshot.defs) {
        const s = byId.get(def.id)!
        const i = Number(def.topic.slice('soak/t'.length))
        const expected = { temperature: round - 0.5, pressure: i, altitude: round - 1 + i }[
          def.field as 'temperature' | 'pressure' | 'altitude'
        ]
        expect(s.v[s.v.length - 1]).toBe(expected)
      }
    }
    await store.close()

    // Reopened, the points refill from the journal: the same newest points, still one budget.
    const reopened = await CaptureStore.open({ dir, ringPoints: BUDGET, flushMs: 60_000 })
    const again = reopened.snapshot()
    expect(again.defs).toHaveLength(3 * TOPICS)
    expect(held(again)).toBe(BUDGET)
    expect(byName(again)).toEqual(byName(last!))
    const newest = Math.max(...again.series.flatMap((s) => Array.from(s.v.subarray(-1))))
    expect(newest).toBe(round - 1 + TOPICS - 1)
    await reopened.close()
  })
})
