// Draws a history answer on a canvas: per series its min-max band and its mean per bucket,
// then the live tail from the local capture as a line. Axes are d3-axis on an SVG above.
import {
  axisBottom,
  axisLeft,
  scaleLinear,
  scaleTime,
  schemeTableau10,
  select,
  type ScaleLinear,
  type ScaleTime
} from 'd3'
import type { HistoryResult } from '../../../shared/store-types'
import type { Tail } from './history-model'

export const MARGIN = { top: 12, right: 16, bottom: 24, left: 56 }

export function colorOf(index: number): string {
  return schemeTableau10[index % schemeTableau10.length]
}

export interface Scales {
  x: ScaleTime<number, number>
  y: ScaleLinear<number, number>
}

export function scalesFor(
  range: { fromMs: number; toMs: number },
  domain: [number, number],
  width: number,
  height: number
): Scales {
  return {
    x: scaleTime()
      .domain([new Date(range.fromMs), new Date(range.toMs)])
      .range([MARGIN.left, width - MARGIN.right]),
    y: scaleLinear()
      .domain(domain)
      .nice()
      .range([height - MARGIN.bottom, MARGIN.top])
  }
}

export function drawHistory(
  canvas: HTMLCanvasElement,
  result: HistoryResult,
  tails: readonly (Tail | null)[],
  scales: Scales
): void {
  const ratio = window.devicePixelRatio || 1
  const width = canvas.clientWidth
  const height = canvas.clientHeight
  canvas.width = Math.round(width * ratio)
  canvas.height = Math.round(height * ratio)
  const ctx = canvas.getContext('2d')
  if (!ctx) return
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0)
  ctx.clearRect(0, 0, width, height)
  ctx.save()
  ctx.beginPath()
  ctx.rect(
    MARGIN.left,
    MARGIN.top,
    width - MARGIN.left - MARGIN.right,
    height - MARGIN.top - MARGIN.bottom
  )
  ctx.clip()
  const { x, y } = scales
  result.series.forEach((s, k) => {
    const color = colorOf(k)
    // The band: one column per bucket from its min to its max.
    ctx.globalAlpha = 0.25
    ctx.fillStyle = color
    const w = Math.max(1, x(result.fromMs + result.bucketMs) - x(result.fromMs))
    for (let i = 0; i < s.t.length; i++) {
      const top = y(s.max[i])
      ctx.fillRect(x(s.t[i]), top, w, Math.max(1, y(s.min[i]) - top))
    }
    ctx.globalAlpha = 1
    ctx.strokeStyle = color
    ctx.lineWidth = 1.5
    ctx.beginPath()
    for (let i = 0; i < s.t.length; i++) {
      const px = x(s.t[i] + result.bucketMs / 2)
      const py = y(s.mean[i])
      // A gap of more than one bucket is a gap in the data: the line breaks there.
      if (i === 0 || s.t[i] - s.t[i - 1] > result.bucketMs * 1.5) ctx.moveTo(px, py)
      else ctx.lineTo(px, py)
    }
    ctx.stroke()
    const tail = tails[k]
    if (tail && tail.t.length > 0) {
      ctx.setLineDash([4, 3])
      ctx.beginPath()
      for (let i = 0; i < tail.t.length; i++) {
        const px = x(tail.t[i])
        const py = y(tail.v[i])
        if (i === 0) ctx.moveTo(px, py)
        else ctx.lineTo(px, py)
      }
      ctx.stroke()
      ctx.setLineDash([])
    }
  })
  ctx.restore()
}

export function drawAxes(svg: SVGSVGElement, scales: Scales, width: number, height: number): void {
  const root = select(svg)
  root.attr('width', width).attr('height', height)
  root
    .selectAll<SVGGElement, null>('g.x-axis')
    .data([null])
    .join('g')
    .attr('class', 'x-axis')
    .attr('transform', `translate(0,${height - MARGIN.bottom})`)
    .call(axisBottom(scales.x).ticks(Math.max(2, Math.floor(width / 110))))
  root
    .selectAll<SVGGElement, null>('g.y-axis')
    .data([null])
    .join('g')
    .attr('class', 'y-axis')
    .attr('transform', `translate(${MARGIN.left},0)`)
    .call(axisLeft(scales.y).ticks(Math.max(2, Math.floor(height / 40))))
}
