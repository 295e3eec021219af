// An optional observer of every drawn frame: none in the product; the benchmarks build their
// own copy of the page that sets one (bench/app-page, bench/chart-page).
import type { ChartView } from './chart-view'

export interface FrameInfo {
  view: ChartView
  /** performance.now() when the frame's drawing began and how long it took, in ms. */
  start: number
  ms: number
}

let probe: ((frame: FrameInfo) => void) | null = null

export function setFrameProbe(fn: ((frame: FrameInfo) => void) | null): void {
  probe = fn
}

export function frameProbe(): ((frame: FrameInfo) => void) | null {
  return probe
}
