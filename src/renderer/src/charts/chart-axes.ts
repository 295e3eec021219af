// SVG axes and grid through d3-axis. Updated only when a scale or the size changed, so a
// paused chart or a steady y range costs no DOM work per frame.
import {
  axisBottom,
  axisLeft,
  axisRight,
  select,
  timeDay,
  timeFormat,
  timeHour,
  timeMinute,
  timeMonth,
  timeSecond,
  timeYear,
  type ScaleLinear,
  type ScaleTime
} from 'd3'

export interface Margin {
  top: number
  right: number
  bottom: number
  left: number
}

export const AXIS_WIDTH = 56

export function marginFor(rightAxis: boolean): Margin {
  return { top: 18, right: rightAxis ? AXIS_WIDTH : 16, bottom: 24, left: AXIS_WIDTH }
}

type Group = SVGGElement

const formats = {
  ms: timeFormat('.%L'),
  second: timeFormat(':%S'),
  minute: timeFormat('%H:%M'),
  day: timeFormat('%b %d'),
  month: timeFormat('%B'),
  year: timeFormat('%Y')
}

/** d3's multi-scale time labels on a 24-hour clock, like the crosshair readout. */
export function timeTick(value: Date | { valueOf(): number }): string {
  const d = value instanceof Date ? value : new Date(value.valueOf())
  if (timeSecond(d) < d) return formats.ms(d)
  if (timeMinute(d) < d) return formats.second(d)
  if (timeHour(d) < d || timeDay(d) < d) return formats.minute(d)
  if (timeMonth(d) < d) return formats.day(d)
  if (timeYear(d) < d) return formats.month(d)
  return formats.year(d)
}

export class ChartAxes {
  private readonly gridX: Group
  private readonly gridY: Group
  private readonly x: Group
  private readonly yLeft: Group
  private readonly yRight: Group
  private readonly unitLeft: SVGTextElement
  private readonly unitRight: SVGTextElement
  private keys = ['', '', '', '']

  constructor(svg: SVGSVGElement) {
    const root = select(svg)
    root.selectAll('*').remove()
    const g = (cls: string): Group => root.append('g').attr('class', cls).node() as Group
    this.gridX = g('grid grid-x')
    this.gridY = g('grid grid-y')
    this.x = g('axis axis-x')
    this.yLeft = g('axis axis-y')
    this.yRight = g('axis axis-y axis-y-right')
    const text = (anchor: string): SVGTextElement =>
      root
        .append('text')
        .attr('class', 'axis-unit')
        .attr('text-anchor', anchor)
        .attr('y', 11)
        .node() as SVGTextElement
    this.unitLeft = text('end')
    this.unitRight = text('start')
  }

  update(
    x: ScaleTime<number, number>,
    y: [ScaleLinear<number, number> | null, ScaleLinear<number, number> | null],
    units: [string, string],
    m: Margin,
    plotW: number,
    plotH: number
  ): void {
    const size = `${plotW}x${plotH}:${m.left},${m.right}`
    const xKey = `${size}:${x.domain().map(Number).join()}`
    if (xKey !== this.keys[0]) {
      this.keys[0] = xKey
      const ticks = Math.max(2, Math.floor(plotW / 90))
      select(this.x)
        .attr('transform', `translate(${m.left},${m.top + plotH})`)
        .call(axisBottom(x).ticks(ticks).tickFormat(timeTick))
      select(this.gridX)
        .attr('transform', `translate(${m.left},${m.top + plotH})`)
        .call(
          axisBottom(x)
            .ticks(ticks)
            .tickSize(-plotH)
            .tickFormat(() => '')
        )
    }
    const ticks = Math.max(2, Math.floor(plotH / 40))
    for (const side of [0, 1] as const) {
      const scale = y[side]
      const group = side === 0 ? this.yLeft : this.yRight
      const yKey = scale ? `${size}:${scale.domain().join()}:${units[side]}` : 'none'
      if (yKey === this.keys[side + 1]) continue
      this.keys[side + 1] = yKey
      const unit = side === 0 ? this.unitLeft : this.unitRight
      select(unit)
        .attr('x', side === 0 ? m.left - 6 : m.left + plotW + 6)
        .text(scale ? units[side] : '')
      if (!scale) {
        select(group).selectAll('*').remove()
        continue
      }
      const axis = side === 0 ? axisLeft(scale) : axisRight(scale)
      select(group)
        .attr('transform', `translate(${side === 0 ? m.left : m.left + plotW},${m.top})`)
        .call(axis.ticks(ticks))
    }
    // One horizontal grid, from the left axis (or the right one when the left has no series).
    const grid = y[0] ?? y[1]
    const gridKey = grid ? `${size}:${grid.domain().join()}` : 'none'
    if (gridKey !== this.keys[3]) {
      this.keys[3] = gridKey
      if (!grid) select(this.gridY).selectAll('*').remove()
      else
        select(this.gridY)
          .attr('transform', `translate(${m.left},${m.top})`)
          .call(
            axisLeft(grid)
              .ticks(ticks)
              .tickSize(-plotW)
              .tickFormat(() => '')
          )
    }
  }
}
