// Draws one chart from its ChartView: at most once per animation frame (the page's frame
// scheduler decides when), canvas lines for the data (min/max per column of device pixels,
// wider columns when the page's point budget is short, breaks at gaps), SVG axes and grid
// from d3-axis, the hover crosshair. No React here.
import { scaleLinear, scaleTime, type ScaleLinear, type ScaleTime } from 'd3'
import { ChartAxes, marginFor, type Margin } from './chart-axes'
import type { ChartView } from './chart-view'
import { Crosshair } from './crosshair'
import { ColumnCache } from './column-cache'
import { padExtent } from './domain'
import { drawLines, linearOf, type LinePoints } from './draw'
import {
  decimateLine,
  frameGrid,
  measureFrame,
  type FrameGrid,
  type MeasuredFrame
} from './frame-plan'
import { frameProbe } from './frame-probe'
import { frameScheduler, type FrameClient, type FrameScheduler } from './frame-scheduler'
import { StripTracker, type LineMark } from './strip'

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

/** Charts with more lines than this draw them thin (one device pixel). */
const THIN_LINES_ABOVE = 16

export class ChartRenderer implements FrameClient {
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
  private readonly strip = new StripTracker()
  private readonly offView: () => void
  private readonly offData: () => void
  private readonly detach: () => void
  /** Off screen (scrolled away): the data is measured, nothing is drawn. */
  private visible = true
  private readonly observer: IntersectionObserver | null

  constructor(
    private readonly view: ChartView,
    private readonly el: ChartElements,
    private readonly scheduler: FrameScheduler = frameScheduler()
  ) {
    this.detach = scheduler.attach(this)
    this.observer =
      typeof IntersectionObserver === 'undefined'
        ? null
        : new IntersectionObserver((entries) => {
            const visible = entries[entries.length - 1].isIntersecting
            if (visible === this.visible) return
            this.visible = visible
            // What the canvas shows is stale once nothing is drawn: redraw it all on return.
            this.strip.reset()
            this.markDirty()
          })
    this.observer?.observe(el.canvas)
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
    this.drawFrame()
  }

  get lineCount(): number {
    return this.visible ? this.view.visibleLines.length : 0
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
    this.scheduler.request(this)
  }

  destroy(): void {
    this.observer?.disconnect()
    this.detach()
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
    // Resizing cleared the canvas.
    this.strip.reset()
  }

  /** Draws the chart now; returns the points drawn on a cleared canvas (0 for a strip). */
  drawFrame(): number {
    const start = performance.now()
    const view = this.view
    const margin = marginFor(view.lines.some((l) => l.axis === 1))
    if (margin.right !== this.margin.right) {
      this.margin = margin
      this.layout()
    }
    const box = this.box
    const ctx = this.el.canvas.getContext('2d')
    if (!ctx || box.width <= 0 || box.height <= 0) return 0
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0)
    const columns = this.el.canvas.width
    const domain = view.computeDomain(columns)
    const figure = this.el.figure
    if (!domain) {
      ctx.clearRect(0, 0, box.width, box.height)
      this.strip.reset()
      figure.dataset.points = '0'
      this.x = null
      this.crosshair.hide()
      view.frameDrawn(null)
      return 0
    }
    const [x0, x1] = domain
    const grid = frameGrid(domain, columns, this.scheduler.columnGroup(columns))
    const measured = measureFrame(view, grid)
    // Points shown in the plot (tests read it).
    figure.dataset.points = String(measured.lines.reduce((n, l) => n + l.inView, 0))
    if (!this.visible) {
      // Off screen: the legend still follows the data; the drawing waits until it is seen.
      view.frameDrawn(domain)
      return 0
    }

    const x = scaleTime().domain([x0, x1]).range([0, box.width])
    const units: [string, string] = ['', '']
    const y = ([0, 1] as const).map((axis) => {
      const lines = view.visibleLines.filter((l) => l.axis === axis)
      if (lines.length === 0) return null
      units[axis] = [...new Set(lines.map((l) => l.unit))].join(', ')
      return scaleLinear().domain(padExtent(measured.extent[axis])).range([box.height, 0]).nice()
    }) as [ScaleLinear<number, number> | null, ScaleLinear<number, number> | null]
    this.x = x
    this.y = y
    const drawn = this.paint(ctx, measured, grid, x, y)
    figure.dataset.x0 = String(Math.round(x0))
    figure.dataset.x1 = String(Math.round(x1))
    this.axes.update(x, y, units, this.margin, box.width, box.height)
    if (this.hoverX === null) this.crosshair.hide()
    else this.crosshair.update(view, this.hoverX, x, (l) => this.y[l.axis]!, box)
    view.frameDrawn(domain)
    frameProbe()?.({ view, start, ms: performance.now() - start })
    return drawn
  }

  /**
   * Draws the lines: all of them on a cleared canvas, or, when the last picture is still
   * right, only a strip at the right after shifting it. Returns the points drawn on a
   * cleared canvas (0 for a strip).
   */
  private paint(
    ctx: CanvasRenderingContext2D,
    measured: MeasuredFrame,
    grid: FrameGrid,
    x: ScaleTime<number, number>,
    y: [ScaleLinear<number, number> | null, ScaleLinear<number, number> | null]
  ): number {
    const { width, height } = this.box
    const view = this.view
    const lines = measured.lines
    // Many lines are drawn one device pixel wide: thin lines tell a crowd of series apart,
    // and a software rasterizer draws them several times faster than wider strokes.
    const thin = lines.length > THIN_LINES_ABOVE
    const key = [
      `${this.el.canvas.width}x${this.el.canvas.height}@${this.dpr}`,
      grid.step,
      y.map((s) => s?.domain().join(':')).join('/'),
      view.filterKey,
      lines.map((l) => `${l.line.id}:${l.line.color}:${l.line.axis}`).join(',')
    ].join('|')
    const marks: LineMark[] = lines.map(({ line, buffer, lastT }) => ({
      id: line.id,
      lastT,
      count: buffer.offset + buffer.length,
      edits: buffer.edits
    }))
    const domain: [number, number] = [grid.x0, grid.x1]
    const columns = this.el.canvas.width
    const decision = this.strip.decide(key, domain, grid.pixelStep, grid.step, columns, marks)
    this.strip.drew(key, domain, grid.pixelStep, marks)
    if (decision.mode === 'none') return 0
    if (this.caches.size > view.lines.length) {
      const ids = new Set(view.lines.map((l) => l.id))
      for (const id of this.caches.keys()) if (!ids.has(id)) this.caches.delete(id)
    }
    const xs = linearOf(x)
    const ys = y.map((scale) => scale && linearOf(scale))
    const fromT = decision.mode === 'strip' ? decision.fromT : undefined
    ctx.save()
    if (decision.mode === 'strip') {
      // Shift the picture left by whole device pixels, then redraw the strip from fromT on.
      ctx.setTransform(1, 0, 0, 1, 0, 0)
      ctx.globalCompositeOperation = 'copy'
      ctx.drawImage(this.el.canvas, -decision.shift, 0)
      ctx.restore()
      ctx.save()
      const from = Math.max(0, Math.floor(xs(decision.fromT) * this.dpr) / this.dpr)
      ctx.beginPath()
      ctx.rect(from, 0, width - from, height)
      ctx.clip()
      ctx.clearRect(from, 0, width - from, height)
    } else {
      ctx.clearRect(0, 0, width, height)
    }
    const byColor = new Map<string, LinePoints[]>()
    let points = 0
    for (const item of lines) {
      let cache = this.caches.get(item.line.id)
      if (!cache) this.caches.set(item.line.id, (cache = new ColumnCache()))
      const d = decimateLine(item, grid, cache, view.filterKey, fromT)
      let list = byColor.get(item.line.color)
      if (!list) byColor.set(item.line.color, (list = []))
      list.push({ t: d.t, v: d.v, length: d.length, y: ys[item.line.axis]! })
      points += d.length
    }
    const lineWidth = thin ? 1 / this.dpr : 1.5
    for (const [color, list] of byColor) drawLines(ctx, list, xs, color, lineWidth)
    ctx.restore()
    return decision.mode === 'full' ? points : 0
  }
}
