// Draws one chart from the SeriesStore: at most once per animation frame, canvas lines for
// the data (decimated to the plot width), SVG axes from d3-axis. No React here.
import { axisBottom, axisLeft, scaleLinear, scaleTime, select } from 'd3'
import { decimateMinMax, type Decimated } from './decimate'
import { extentInRange, liveXDomain, padExtent } from './domain'
import { drawLine } from './draw'
import { visibleRange, type SeriesStore } from './series-store'

export const MARGIN = { top: 8, right: 16, bottom: 24, left: 56 }

export interface ChartLine {
  id: number
  color: string
}

export class ChartRenderer {
  private dirty = false
  private frameId = 0
  private cssWidth = 0
  private cssHeight = 0
  private dpr = 1
  private readonly xAxis: SVGGElement
  private readonly yAxis: SVGGElement

  constructor(
    private readonly figure: HTMLElement,
    private readonly canvas: HTMLCanvasElement,
    svg: SVGSVGElement,
    private readonly store: SeriesStore,
    private lines: ChartLine[],
    private readonly now: () => number = Date.now
  ) {
    const root = select(svg)
    root.selectAll('*').remove()
    this.xAxis = root.append('g').attr('class', 'axis axis-x').node() as SVGGElement
    this.yAxis = root.append('g').attr('class', 'axis axis-y').node() as SVGGElement
  }

  setLines(lines: ChartLine[]): void {
    this.lines = lines
    this.markDirty()
  }

  /** Size of the whole plot box in CSS pixels. */
  resize(width: number, height: number, dpr: number): void {
    this.cssWidth = Math.max(0, Math.floor(width))
    this.cssHeight = Math.max(0, Math.floor(height))
    this.dpr = dpr > 0 ? dpr : 1
    const plotW = this.plotWidth()
    const plotH = this.plotHeight()
    this.canvas.style.left = `${MARGIN.left}px`
    this.canvas.style.top = `${MARGIN.top}px`
    this.canvas.style.width = `${plotW}px`
    this.canvas.style.height = `${plotH}px`
    this.canvas.width = Math.round(plotW * this.dpr)
    this.canvas.height = Math.round(plotH * this.dpr)
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
  }

  private plotWidth(): number {
    return Math.max(0, this.cssWidth - MARGIN.left - MARGIN.right)
  }

  private plotHeight(): number {
    return Math.max(0, this.cssHeight - MARGIN.top - MARGIN.bottom)
  }

  private frame(): void {
    this.dirty = false
    const plotW = this.plotWidth()
    const plotH = this.plotHeight()
    const ctx = this.canvas.getContext('2d')
    if (!ctx || plotW <= 0 || plotH <= 0) return

    let first = Infinity
    let last = -Infinity
    for (const l of this.lines) {
      const buffer = this.store.get(l.id)
      if (!buffer || buffer.length === 0) continue
      first = Math.min(first, buffer.firstT)
      last = Math.max(last, buffer.lastT)
    }
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0)
    ctx.clearRect(0, 0, plotW, plotH)
    const xDomain = liveXDomain(first, last, this.now())
    if (!xDomain) {
      this.figure.dataset.points = '0'
      return
    }
    const [x0, x1] = xDomain
    const columns = this.canvas.width
    const reduced: (Decimated & { color: string })[] = []
    let lo = Infinity
    let hi = -Infinity
    for (const l of this.lines) {
      const buffer = this.store.get(l.id)
      if (!buffer || buffer.length === 0) continue
      const t = buffer.t
      const [i0, i1] = visibleRange(t, x0, x1)
      const d = decimateMinMax(t, buffer.v, i0, i1, x0, x1, columns)
      const extent = extentInRange(d.t, d.v, d.length, x0, x1)
      if (extent) {
        lo = Math.min(lo, extent[0])
        hi = Math.max(hi, extent[1])
      }
      reduced.push({ ...d, color: l.color })
    }

    const x = scaleTime().domain([x0, x1]).range([0, plotW])
    const y = scaleLinear()
      .domain(padExtent(lo <= hi ? [lo, hi] : null))
      .range([plotH, 0])
      .nice()
    const xs = (value: number): number => x(value)
    let points = 0
    for (const d of reduced) {
      drawLine(ctx, d.t, d.v, d.length, xs, y, d.color)
      points += d.length
    }
    this.figure.dataset.points = String(points)

    select(this.xAxis)
      .attr('transform', `translate(${MARGIN.left},${MARGIN.top + plotH})`)
      .call(axisBottom(x).ticks(Math.max(2, Math.floor(plotW / 90))))
    select(this.yAxis)
      .attr('transform', `translate(${MARGIN.left},${MARGIN.top})`)
      .call(axisLeft(y).ticks(Math.max(2, Math.floor(plotH / 40))))
  }
}
