// Canvas line drawing through d3: the same d3.line used for SVG, pointed at a 2D context.
import { line } from 'd3'

/** The part of CanvasRenderingContext2D the line drawing uses; tests pass a recording fake. */
export interface LineContext {
  beginPath(): void
  moveTo(x: number, y: number): void
  lineTo(x: number, y: number): void
  closePath(): void
  stroke(): void
  strokeStyle: unknown
  lineWidth: number
  lineJoin: unknown
  lineCap: unknown
}

export type Scale = (value: number) => number

let indexCache = new Uint32Array(0)

/** Indices 0..n-1 as the data d3.line walks, so points are read from the columns in place. */
function indices(n: number): Uint32Array {
  if (indexCache.length < n) {
    indexCache = new Uint32Array(Math.max(n, indexCache.length * 2))
    for (let i = 0; i < indexCache.length; i++) indexCache[i] = i
  }
  return indexCache.subarray(0, n)
}

/**
 * Strokes one series' first n points as a polyline in scale coordinates. A NaN value is a
 * break (a gap in the data): the line stops there and starts again at the next point.
 */
export function drawLine(
  ctx: LineContext,
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  n: number,
  x: Scale,
  y: Scale,
  color: string,
  width = 1.5
): void {
  if (n <= 0) return
  const path = line<number>()
    .x((i) => x(t[i]))
    .y((i) => y(v[i]))
    .defined((i) => v[i] === v[i])
    .context(ctx as unknown as CanvasRenderingContext2D)
  ctx.beginPath()
  path(indices(n) as unknown as number[])
  ctx.strokeStyle = color
  ctx.lineWidth = width
  // Round joins halve the frame rate of software rasterizing (no GPU); at this width a bevel
  // looks the same.
  ctx.lineJoin = 'bevel'
  ctx.lineCap = 'butt'
  ctx.stroke()
}
