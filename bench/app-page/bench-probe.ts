// The benchmarks' probe, built only into their own copy of the page (app-page.ts): for every drawn frame it
// records, per topic, how long ago each newly drawn value was published, taking the value
// itself as the publish time (epoch ms; the latency bench publishes Date.now() plus a
// fraction of a millisecond that keeps repeated values apart). The time is
// read in a task queued from the frame, which runs after the frame is painted.
import { setFrameProbe } from '../../src/renderer/src/charts/frame-probe'

export interface BenchState {
  latencies: Record<string, number[]>
  frameMs: number[]
  /**
   * Delays since the last reset, counted per millisecond: read with `summary()` in the page
   * at once, where copying every value out would itself hold up the frames being measured.
   */
  summary(): { count: number; median: number; p99: number; max: number; frames: number }
  /** Stops keeping every value in `latencies` (long runs read only the summary). */
  summaryOnly: boolean
  reset(): void
}

const HISTOGRAM_MS = 600_000

declare global {
  interface Window {
    __mlmBench?: BenchState
  }
}

function install(): void {
  let histogram = new Uint32Array(HISTOGRAM_MS + 1)
  let count = 0
  let max = 0
  const state: BenchState = {
    latencies: {},
    frameMs: [],
    summaryOnly: false,
    summary() {
      const rank = (p: number): number => {
        const wanted = Math.max(1, Math.ceil(p * count))
        for (let ms = 0, seen = 0; ms < histogram.length; ms++)
          if ((seen += histogram[ms]) >= wanted) return ms
        return Infinity
      }
      return { count, median: rank(0.5), p99: rank(0.99), max, frames: state.frameMs.length }
    },
    reset() {
      state.latencies = {}
      state.frameMs = []
      histogram = new Uint32Array(HISTOGRAM_MS + 1)
      count = 0
      max = 0
    }
  }
  window.__mlmBench = state
  // Per series, how many points (counted from the first ever) were there at the last frame.
  const lastSeen = new Map<number, number>()
  setFrameProbe(({ view, ms }) => {
    state.frameMs.push(ms)
    const drawn: { topic: string; values: number[] }[] = []
    for (const line of view.visibleLines) {
      const buffer = view.store.get(line.id)
      const def = view.store.def(line.id)
      if (!buffer || !def || buffer.length === 0) continue
      const [, hi] = view.shown(buffer)
      const seen = lastSeen.get(line.id)
      lastSeen.set(line.id, buffer.offset + hi)
      // The first frame of a series shows history, not fresh messages.
      if (seen === undefined) continue
      const values = Array.from(buffer.v.subarray(Math.max(0, seen - buffer.offset), hi))
      if (values.length > 0) drawn.push({ topic: def.topic, values })
    }
    if (drawn.length === 0) return
    setTimeout(() => {
      const painted = performance.timeOrigin + performance.now()
      for (const { topic, values } of drawn) {
        const list = state.summaryOnly ? null : (state.latencies[topic] ??= [])
        for (const v of values) {
          const ms = painted - v
          list?.push(ms)
          histogram[Math.min(HISTOGRAM_MS, Math.max(0, Math.ceil(ms)))]++
          count++
          if (ms > max) max = ms
        }
      }
    })
  })
}

install()
