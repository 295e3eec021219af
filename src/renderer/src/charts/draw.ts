// Canvas line drawing on d3 scales. Lines of one colour go into one path with one stroke:
// with hundreds of series, the cost of a stroke (not of a point) is what a frame pays most.

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

/** The linear map of a d3 linear or time scale as a plain function (no d3 call per point). */
export function linearOf(scale: { domain(): (number | Date)[]; range(): number[] }): Scale {
  const [d0, d1] = scale.domain().map(Number)
  const [r0, r1] = scale.range()
  const k = d1 !== d0 ? (r1 - r0) / (d1 - d0) : 0
  return (value) => r0 + (value - d0) * k
}

export interface LinePoints {
  t: ArrayLike<number>
  v: ArrayLike<number>
  /** Points to draw: the first `length` of t and v. */
  length: number
  /** The y scale of this line's axis. */
  y: Scale
}

/**
 * Strokes several series in one colour as one path, each a polyline in scale coordinates.
 * A NaN value is a break (a gap in the data): the line stops there and starts again after.
 */
export function drawLines(
  ctx: LineContext,
  lines: readonly LinePoints[],
  x: Scale,
  color: string,
  width = 1.5
): void {
  let started = false
  for (const { t, v, length, y } of lines) {
    let pen = false
    for (let i = 0; i < length; i++) {
      const value = v[i]
      if (value !== value) {
        pen = false
        continue
      }
      if (!started) {
        ctx.beginPath()
        started = true
      }
      if (pen) ctx.lineTo(x(t[i]), y(value))
      else ctx.moveTo(x(t[i]), y(value))
      pen = true
    }
  }
  if (!started) return
  ctx.strokeStyle = color
  ctx.lineWidth = width
  // Round joins halve the frame rate of software rasterizing (no GPU); at this width a bevel
  // looks the same.
  ctx.lineJoin = 'bevel'
  ctx.lineCap = 'butt'
  ctx.stroke()
}

/** One series' first n points as a polyline (see drawLines). */
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
  drawLines(ctx, [{ t, v, length: n, y }], x, color, width)
}
