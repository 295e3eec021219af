// The hover crosshair: a vertical line and a dot per series in the overlay SVG, and a readout
// list with the time and every visible series' value at that time. Plain DOM, no React:
// it follows the pointer and the live data every frame.
import { select } from 'd3'
import type { ChartLine, ChartView } from './chart-view'
import { formatWithUnit } from './format'

type Scale = (value: number) => number

export function formatTime(t: number, withDate = false): string {
  const d = new Date(t)
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0')
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time
}

export class Crosshair {
  private readonly line: SVGLineElement
  private readonly dots: SVGGElement
  private shown = false

  constructor(
    overlay: SVGSVGElement,
    private readonly readout: HTMLElement
  ) {
    const root = select(overlay)
    this.line = root.append('line').attr('class', 'crosshair').node() as SVGLineElement
    this.dots = root.append('g').attr('class', 'crosshair-dots').node() as SVGGElement
    this.hide()
  }

  hide(): void {
    if (!this.shown && this.readout.hidden) return
    this.shown = false
    this.line.style.display = 'none'
    select(this.dots).selectAll('*').remove()
    this.readout.hidden = true
  }

  /** Draws the crosshair for the pointer at plot x `px`; hides it when nothing is there. */
  update(
    view: ChartView,
    px: number,
    x: Scale & { invert(px: number): Date },
    yFor: (line: ChartLine) => Scale,
    box: { left: number; top: number; width: number; height: number }
  ): void {
    const at = view.valuesAt(+x.invert(px))
    if (!at || at.points.length === 0) return this.hide()
    this.shown = true
    const cx = box.left + x(at.t)
    select(this.line)
      .style('display', null)
      .attr('x1', cx)
      .attr('x2', cx)
      .attr('y1', box.top)
      .attr('y2', box.top + box.height)
    const byId = new Map(view.lines.map((l) => [l.id, l]))
    select(this.dots)
      .selectAll('circle')
      .data(at.points)
      .join('circle')
      .attr('r', 3.5)
      .attr('cx', (p) => box.left + x(p.t))
      .attr('cy', (p) => box.top + yFor(byId.get(p.id)!)(p.v))
      .attr('fill', (p) => byId.get(p.id)!.color)

    const items: HTMLElement[] = []
    const head = document.createElement('li')
    head.className = 'readout-time'
    head.textContent = formatTime(at.t)
    items.push(head)
    for (const p of at.points) {
      const l = byId.get(p.id)!
      const li = document.createElement('li')
      const swatch = document.createElement('span')
      swatch.className = 'legend-swatch'
      swatch.style.background = l.color
      swatch.setAttribute('aria-hidden', 'true')
      const name = document.createElement('span')
      name.className = 'readout-name'
      name.textContent = `${l.label}: `
      const value = document.createElement('span')
      value.className = 'readout-value'
      value.textContent = formatWithUnit(p.v, l.unit)
      li.append(swatch, name, value)
      items.push(li)
    }
    this.readout.replaceChildren(...items)
    this.readout.hidden = false
    // Beside the cursor, on the side with room.
    const width = this.readout.offsetWidth
    const right = cx + 12 + width < box.left + box.width
    this.readout.style.left = `${right ? cx + 12 : Math.max(0, cx - 12 - width)}px`
    this.readout.style.top = `${box.top + 4}px`
  }
}
