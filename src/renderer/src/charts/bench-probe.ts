// Benchmark hook, active only when the page URL has ?bench=1: for every drawn frame it
// records, per topic, how long ago each newly drawn value was published, taking the value
// itself as the publish time (epoch ms; the latency bench publishes Date.now() plus a
// fraction of a millisecond that keeps repeated values apart). The time is
// read in a task queued from the frame, which runs after the frame is painted.
import { setFrameProbe } from './frame-probe'

export interface BenchState {
  latencies: Record<string, number[]>
  frameMs: number[]
  reset(): void
}

declare global {
  interface Window {
    __mlmBench?: BenchState
  }
}

function install(): void {
  const state: BenchState = {
    latencies: {},
    frameMs: [],
    reset() {
      state.latencies = {}
      state.frameMs = []
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
        const list = (state.latencies[topic] ??= [])
        for (const v of values) list.push(painted - v)
      }
    })
  })
}

if (typeof window !== 'undefined' && new URLSearchParams(window.location.search).has('bench')) {
  install()
}
