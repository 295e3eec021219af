// What one frame of a chart draws, without the DOM. First each visible line's place in the
// x domain and its extent (binary searches and block summaries: no point is visited), which
// fix the scales; then the points to draw, reduced to min/max columns: for the whole domain
// from the line's column cache, or only for a strip at the right. Columns may span several
// pixel columns (`group`) when the page's point budget is short. The cost of a frame depends
// on the lines and the plot width, never on how many points were received or are held.
import type { ChartLine, ChartView } from './chart-view'
import type { ColumnCache } from './column-cache'
import { gapThreshold, type Decimated } from './decimate'
import { lowerBound, upperBound } from './search'
import type { SeriesBuffer } from './series-store'

/** The min/max columns of a frame, on a fixed time grid (multiples of their width). */
export interface FrameGrid {
  /** The x domain drawn. */
  x0: number
  x1: number
  /** Time per device pixel column, and per drawn (min/max) column. */
  pixelStep: number
  step: number
  /** The columns covering the domain: [gx0, gx1) in `columns` steps. */
  gx0: number
  gx1: number
  columns: number
}

export function frameGrid([x0, x1]: [number, number], pixels: number, group = 1): FrameGrid {
  const pixelStep = (x1 - x0) / Math.max(1, pixels)
  // Wide columns are a power of two of milliseconds (up to twice as wide as asked): while
  // the data is shorter than the window its pixel step grows by small steps, and a column
  // width that stays put lets every line keep its column summaries.
  const step = group > 1 ? 2 ** Math.ceil(Math.log2(pixelStep * group)) : pixelStep
  // A following domain already sits on whole pixel columns; wide columns sit on multiples of
  // their width, so a column keeps its points from frame to frame as the view slides.
  const gx0 = group > 1 ? Math.floor(x0 / step) * step : x0
  const gx1 = group > 1 ? Math.ceil(x1 / step) * step : x1
  const columns = Math.max(1, Math.round((gx1 - gx0) / step))
  return { x0, x1, pixelStep, step, gx0, gx1, columns }
}

export interface LineInFrame {
  line: ChartLine
  buffer: SeriesBuffer
  /** The points the chart may show at all, and those covering the grid (one more each side). */
  shown: [number, number]
  range: [number, number]
  /** Time of the newest point drawn (-Infinity when none). */
  lastT: number
  /** Points inside the domain. */
  inView: number
}

export interface MeasuredFrame {
  lines: LineInFrame[]
  /** Per y axis (0 left, 1 right): min and max of the values inside the domain. */
  extent: [[number, number] | null, [number, number] | null]
}

const pair = new Int32Array(2)

/** Places each visible line in the grid and finds the extent of what it shows. */
export function measureFrame(view: ChartView, grid: FrameGrid): MeasuredFrame {
  const lines: LineInFrame[] = []
  const lo = [Infinity, Infinity]
  const hi = [-Infinity, -Infinity]
  for (const line of view.visibleLines) {
    const buffer = view.store.get(line.id)
    if (!buffer || buffer.length === 0) continue
    const shown = view.shown(buffer)
    const range = view.range(buffer, grid.gx0, grid.gx1)
    const t = buffer.t
    const s = lowerBound(t, grid.x0, shown[0], shown[1])
    const e = upperBound(t, grid.x1, s, shown[1])
    if (e > s) {
      buffer.extremes(s, e, pair)
      const v = buffer.v
      lo[line.axis] = Math.min(lo[line.axis], v[pair[0]])
      hi[line.axis] = Math.max(hi[line.axis], v[pair[1]])
    }
    const lastT = range[1] > range[0] ? t[range[1] - 1] : -Infinity
    lines.push({ line, buffer, shown, range, lastT, inView: e - s })
  }
  const extent = ([0, 1] as const).map((axis) =>
    lo[axis] <= hi[axis] ? ([lo[axis], hi[axis]] as [number, number]) : null
  ) as MeasuredFrame['extent']
  return { lines, extent }
}

/**
 * The points to draw for one line: over the whole grid from its column cache, or, given
 * `fromT` (on the grid), only from the column starting there on, breaking at the gaps found
 * by the last full one. The result shares the cache's arrays until its next use.
 */
export function decimateLine(
  item: LineInFrame,
  grid: FrameGrid,
  cache: ColumnCache,
  filter: string,
  fromT?: number
): Decimated {
  const { buffer, shown, range } = item
  const t = buffer.t
  if (fromT === undefined) {
    // A gap narrower than two drawn columns cannot be seen: only wider ones break the line.
    const gapMs = Math.max(2 * grid.step, gapThreshold(t, range[0], range[1]))
    return cache.decimate(buffer, shown, range, grid.gx0, grid.gx1, grid.columns, gapMs, filter)
  }
  const a = Math.max(range[0], lowerBound(t, fromT, range[0], range[1]) - 1)
  const columns = Math.max(1, Math.round((grid.gx1 - fromT) / grid.step))
  return cache.decimateTail(buffer, a, range[1], fromT, grid.gx1, columns)
}
