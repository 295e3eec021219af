// The page `bench/chart-render.bench.ts` loads in headless Chromium: the app's own chart path
// (SeriesStore -> ChartView -> ChartRenderer, same DOM and CSS as LiveChart) against uPlot on
// the same data, same plot size and same devicePixelRatio. Not part of the app bundle.
import uPlot from 'uplot'
import '../../src/renderer/src/styles.css'
import '../../src/renderer/src/charts/charts.css'
import { ChartRenderer } from '../../src/renderer/src/charts/chart-renderer'
import { ChartView, type ChartLine } from '../../src/renderer/src/charts/chart-view'
import { setFrameProbe } from '../../src/renderer/src/charts/frame-probe'
import { SeriesStore } from '../../src/renderer/src/charts/series-store'
import { batchOfSeries } from '../../src/shared/batch-columns'

export const PLOT = { width: 1000, height: 400 }
// ChartRenderer's margins for one y axis (chart-axes.ts marginFor(false)).
const OURS_BOX = { width: PLOT.width + 56 + 16, height: PLOT.height + 18 + 24 }
const COLORS = ['#4e79a7', '#f28e2c', '#e15759']

interface Data {
  t: Float64Array
  v: Float64Array[]
}

let data: Data | null = null

/** n points per series, 1 ms apart, ending now: a slow wave plus deterministic noise. */
function makeData(n: number, series: number): void {
  const end = Date.now()
  const t = new Float64Array(n)
  for (let i = 0; i < n; i++) t[i] = end - (n - 1 - i)
  let seed = 12345
  const v = Array.from({ length: series }, (_, s) => {
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      out[i] = 20 + s * 5 + 3 * Math.sin(i / (20_000 + s * 7000)) + (seed / 0x7fffffff - 0.5)
    }
    return out
  })
  data = { t, v }
}

/** Resolves once the frame after the current one's rendering has been painted. */
const painted = (): Promise<void> =>
  new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)))

function stage(): HTMLElement {
  const el = document.getElementById('stage')!
  el.replaceChildren()
  return el
}

/** The DOM LiveChart renders, built by hand (no React in the measured path either way). */
function chartDom(host: HTMLElement) {
  const figure = document.createElement('figure')
  figure.className = 'chart'
  const plot = document.createElement('div')
  plot.className = 'chart-plot'
  plot.style.width = `${OURS_BOX.width}px`
  plot.style.height = `${OURS_BOX.height}px`
  const ns = 'http://www.w3.org/2000/svg'
  const axes = document.createElementNS(ns, 'svg') as SVGSVGElement
  const canvas = document.createElement('canvas')
  const overlay = document.createElementNS(ns, 'svg') as SVGSVGElement
  const readout = document.createElement('ul')
  readout.hidden = true
  plot.append(axes, canvas, overlay, readout)
  figure.append(plot)
  host.append(figure)
  return { figure, canvas, axes, overlay, readout }
}

function ourChart(host: HTMLElement, d: Data, marks: number[] = []) {
  const store = new SeriesStore()
  // Charted before the points come, as a chart's series are: the store keeps their points.
  store.watch(d.v.map((_, i) => i + 1))
  store.loadSnapshot({
    defs: d.v.map((_, i) => ({
      id: i + 1,
      connection: 'b',
      topic: 't',
      field: `f${i}`,
      unit: 'u'
    })),
    series: d.v.map((v, i) => ({ id: i + 1, t: d.t, v })),
    topics: []
  })
  marks.push(performance.now())
  const view = new ChartView(store)
  view.setWindow('1h')
  const lines: ChartLine[] = d.v.map((_, i) => ({
    id: i + 1,
    color: COLORS[i % COLORS.length],
    label: `f${i}`,
    unit: 'u',
    axis: 0
  }))
  view.setLines(lines)
  const el = chartDom(host)
  const renderer = new ChartRenderer(view, el)
  renderer.resize(OURS_BOX.width, OURS_BOX.height, window.devicePixelRatio || 1)
  return { store, view, renderer, figure: el.figure }
}

async function firstDrawOurs(): Promise<{
  ms: number
  points: number
  loadMs: number
  drawMs: number
}> {
  const d = data!
  const host = stage()
  await painted()
  let drawMs = 0
  setFrameProbe((f) => (drawMs = f.ms))
  const t0 = performance.now()
  const marks: number[] = []
  const chart = ourChart(host, d, marks)
  await painted()
  const ms = performance.now() - t0
  setFrameProbe(null)
  const points = Number(chart.figure.dataset.points)
  chart.renderer.destroy()
  return { ms, points, loadMs: marks[0] - t0, drawMs }
}

async function firstDrawUplot(): Promise<{ ms: number; plot: [number, number] }> {
  const d = data!
  const host = stage()
  await painted()
  const t0 = performance.now()
  const u = new uPlot(
    {
      // uPlot's size includes its canvas-drawn axes; its plot area comes out near PLOT.
      width: OURS_BOX.width,
      height: OURS_BOX.height,
      pxAlign: 0,
      ms: 1,
      legend: { show: false },
      scales: { x: { time: true } },
      series: [{}, ...d.v.map((_, i) => ({ stroke: COLORS[i % COLORS.length], width: 1.5 }))]
    },
    [d.t, ...d.v],
    host
  )
  await painted()
  const ms = performance.now() - t0
  const dpr = window.devicePixelRatio || 1
  const plot: [number, number] = [u.bbox.width / dpr, u.bbox.height / dpr]
  u.destroy()
  return { ms, plot }
}

/**
 * Streams `rate` points per second per series into a chart holding `data` in view, in chunks
 * per animation frame, for `seconds`; returns per-frame update + draw time.
 */
async function stream(seconds: number, rate: number) {
  const d = data!
  const chart = ourChart(stage(), d)
  await painted()
  const frames: number[] = []
  let appendMs = 0
  setFrameProbe(({ ms }) => {
    frames.push(ms + appendMs)
    appendMs = 0
  })
  const ids = d.v.map((_, i) => i + 1)
  // From now on: no catch-up burst for the time since the data was made.
  let lastT = Math.max(d.t[d.t.length - 1], Date.now())
  let phase = 0
  const step = 1000 / rate
  const started = performance.now()
  await new Promise<void>((resolve) => {
    const produce = (): void => {
      const now = Date.now()
      const k = Math.floor((now - lastT) / step)
      if (k > 0) {
        const t = new Float64Array(k)
        for (let i = 0; i < k; i++) t[i] = lastT + (i + 1) * step
        lastT = t[k - 1]
        const series = ids.map((id) => {
          const v = new Float64Array(k)
          for (let i = 0; i < k; i++) v[i] = 20 + id * 5 + 3 * Math.sin(phase++ / 20_000)
          return { id, t, v }
        })
        const batch = batchOfSeries({ defs: [], series, topics: [] })
        const a = performance.now()
        chart.store.applyBatch(batch)
        appendMs += performance.now() - a
      }
      if (performance.now() - started < seconds * 1000) requestAnimationFrame(produce)
      else resolve()
    }
    requestAnimationFrame(produce)
  })
  await painted()
  setFrameProbe(null)
  const elapsed = performance.now() - started
  const inView = chart.store.get(1)!.length
  chart.renderer.destroy()
  return { frames, elapsed, inView, points: Number(chart.figure.dataset.points) }
}

declare global {
  interface Window {
    chartBench?: {
      makeData: typeof makeData
      firstDrawOurs: typeof firstDrawOurs
      firstDrawUplot: typeof firstDrawUplot
      stream: typeof stream
    }
  }
}

window.chartBench = { makeData, firstDrawOurs, firstDrawUplot, stream }
