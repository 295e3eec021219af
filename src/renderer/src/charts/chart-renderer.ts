// Draws one chart from its ChartView: at most once per animation frame, canvas lines for the
// data (min/max per device-pixel column, breaks at gaps), SVG axes and grid from d3-axis, the
// hover crosshair. No React here.
import { scaleLinear, scaleTime, type ScaleLinear, type ScaleTime } from 'd3'
import { ChartAxes, marginFor, type Margin } from './chart-axes'
import type { ChartLine, ChartView } from './chart-view'
import { Crosshair } from './crosshair'
import { ColumnCache } from './column-cache'
import { gapThreshold, type Decimated } from './decimate'
import { extentInRange, padExtent } from './domain'
import { drawLine } from './draw'
import { frameProbe } from './frame-probe'

export interface ChartElements {
  figure: HTMLElement
  canvas: HTMLCanvasElement
  /** Below the canvas: grid and axes. */
  axes: SVGSVGElement
  /** Above the canvas: crosshair and range selection. */
  overlay: SVGSVGElement
  readout: HTMLElement
}

export interface PlotBox {
  left: number
  top: number
  width: number
  height: number
}

interface Drawn extends Decimated {
  line: ChartLine
}

export class ChartRenderer {
  private dirty = false
  private frameId = 0
  private cssWidth = 0
  private cssHeight = 0
  private dpr = 1
  private margin: Margin = marginFor(false)
  private readonly axes: ChartAxes
  private readonly crosshair: Crosshair
  private hoverX: number | null = null
  private x: ScaleTime<number, number> | null = null
  private y: [ScaleLinear<number, number> | null, ScaleLinear<number, number> | null] = [null, null]
  private readonly caches = new Map<number, ColumnCache>()
  private readonly offView: () => void
  private readonly offData: () => void

  constructor(
    private readonly view: ChartView,
    private readonly el: ChartElements
  ) {
    this.axes = new ChartAxes(el.axes)
    this.crosshair = new Crosshair(el.overlay, el.readout)
    this.offView = view.subscribe(() => this.markDirty())
    // While paused nothing new is shown: data keeps arriving in the store without a redraw.
    this.offData = view.store.onData((changed) => {
      if (view.paused) return
      if (changed.size === 0) return this.markDirty()
      for (const l of view.lines) if (changed.has(l.id)) return this.markDirty()
    })
  }

  /** Size of the whole plot box (axes included) in CSS pixels. */
  resize(width: number, height: number, dpr: number): void {
    const first = this.cssWidth === 0
    this.cssWidth = Math.max(0, Math.floor(width))
    this.cssHeight = Math.max(0, Math.floor(height))
    this.dpr = dpr > 0 ? dpr : 1
    this.layout()
    // The first size draws at once, so a chart never shows an empty frame when it opens;
    // later changes (and all data) wait for the next animation frame.
    if (first && this.cssWidth > 0) this.drawNow()
    else this.markDirty()
  }

  drawNow(): void {
    if (this.dirty) cancelAnimationFrame(this.frameId)
    this.frame()
  }

  /** The plot area inside the box, in CSS pixels. */
  get box(): PlotBox {
    const m = this.margin
    return {
      left: m.left,
      top: m.top,
      width: Math.max(0, this.cssWidth - m.left - m.right),
      height: Math.max(0, this.cssHeight - m.top - m.bottom)
    }
  }

  /** The x scale of the last frame (for zoom, pan and range selection). */
  get xScale(): ScaleTime<number, number> | null {
    return this.x
  }

  setHover(px: number | null): void {
    this.hoverX = px
    this.markDirty()
  }

  markDirty(): void {
    if (this.dirty) return
    this.dirty = true
    this.frameId = requestAnimationFrame(() => this.frame())
  }

  destroy(): void {
    if (this.dirty) cancelAnimationFrame(this.frameId)
    this.dirty = false
    this.offView()
    this.offData()
  }

  /** Sizes the canvas backing store to the plot area times the device pixel ratio. */
  private layout(): void {
    const { left, top, width, height } = this.box
    const c = this.el.canvas
    c.style.left = `${left}px`
    c.style.top = `${top}px`
    c.style.width = `${width}px`
    c.style.height = `${height}px`
    c.width = Math.round(width * this.dpr)
    c.height = Math.round(height * this.dpr)
  }

  private frame(): void {
    this.dirty = false
    const start = performance.now()
    const view = this.view
    const margin = marginFor(view.lines.some((l) => l.axis === 1))
    if (margin.right !== this.margin.right) {
      this.margin = margin
      this.layout()
    }
    const box = this.box
    const ctx = this.el.canvas.getContext('2d')
    if (!ctx || box.width <= 0 || box.height <= 0) return
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0)
    ctx.clearRect(0, 0, box.width, box.height)
    const columns = this.el.canvas.width
    const domain = view.computeDomain(columns)
    const figure = this.el.figure
    if (!domain) {
      figure.dataset.points = '0'
      this.x = null
      this.crosshair.hide()
      view.frameDrawn(null)
      return
    }
    const [x0, x1] = domain
    // A gap narrower than two pixel columns cannot be seen: only wider ones break the line.
    const minGap = (2 * (x1 - x0)) / Math.max(1, columns)
    if (this.caches.size > view.lines.length) {
      const ids = new Set(view.lines.map((l) => l.id))
      for (const id of this.caches.keys()) if (!ids.has(id)) this.caches.delete(id)
    }
    const drawn: Drawn[] = []
    const lo = [Infinity, Infinity]
    const hi = [-Infinity, -Infinity]
    for (const line of view.visibleLines) {
      const buffer = view.store.get(line.id)
      if (!buffer || buffer.length === 0) continue
      const t = buffer.t
      const range = view.range(buffer, x0, x1)
      const gapMs = Math.max(minGap, gapThreshold(t, range[0], range[1]))
      let cache = this.caches.get(line.id)
      if (!cache) this.caches.set(line.id, (cache = new ColumnCache()))
      const shown = view.shown(buffer)
      const d = cache.decimate(buffer, shown, range, x0, x1, columns, gapMs, view.filterKey)
      const extent = extentInRange(d.t, d.v, d.length, x0, x1)
      if (extent) {
        lo[line.axis] = Math.min(lo[line.axis], extent[0])
        hi[line.axis] = Math.max(hi[line.axis], extent[1])
      }
      drawn.push({ ...d, line })
    }

    const x = scaleTime().domain([x0, x1]).range([0, box.width])
    const units: [string, string] = ['', '']
    const y = ([0, 1] as const).map((axis) => {
      const lines = view.visibleLines.filter((l) => l.axis === axis)
      if (lines.length === 0) return null
      units[axis] = [...new Set(lines.map((l) => l.unit))].join(', ')
      const extent: [number, number] | null = lo[axis] <= hi[axis] ? [lo[axis], hi[axis]] : null
      return scaleLinear().domain(padExtent(extent)).range([box.height, 0]).nice()
    }) as [ScaleLinear<number, number> | null, ScaleLinear<number, number> | null]
    this.x = x
    this.y = y
    const xs = (value: number): number => x(value)
    let points = 0
    for (const d of drawn) {
      drawLine(ctx, d.t, d.v, d.length, xs, y[d.line.axis]!, d.line.color)
      points += d.length
    }
    figure.dataset.points = String(points)
    figure.dataset.x0 = String(Math.round(x0))
    figure.dataset.x1 = String(Math.round(x1))
    this.axes.update(x, y, units, this.margin, box.width, box.height)
    if (this.hoverX === null) this.crosshair.hide()
    else this.crosshair.update(view, this.hoverX, x, (l) => this.y[l.axis]!, box)
    view.frameDrawn(domain)
    frameProbe()?.({ view, start, ms: performance.now() - start })
  }
}
