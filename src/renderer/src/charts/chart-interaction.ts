// Pointer and keyboard input on a chart: d3-zoom for wheel zoom and drag to pan (x only),
// Shift+drag to zoom to a range, hover for the crosshair, double-click or 0 to reset, and
// + / - / arrow keys when the chart has focus.
import { scaleLinear, select, zoom, zoomIdentity, type D3ZoomEvent } from 'd3'
import type { ChartRenderer } from './chart-renderer'
import type { ChartView } from './chart-view'

const KEY_ZOOM = 1.5
const KEY_PAN = 0.1

export function attachInteraction(
  plot: HTMLElement,
  canvas: HTMLCanvasElement,
  overlay: SVGSVGElement,
  renderer: ChartRenderer,
  view: ChartView
): () => void {
  const target = select(canvas)
  // A gesture maps d3-zoom's transform onto the domain shown when it began: the transform at
  // that moment stands for that domain. Gestures may overlap (a wheel gesture ends 150 ms
  // after the last wheel event), so the transform itself is never reset mid-way.
  let base: [number, number] | null = null
  let startTransform = zoomIdentity
  const behavior = zoom<HTMLCanvasElement, unknown>()
    .scaleExtent([1e-6, 1e9])
    .filter((event: MouseEvent) => {
      if (event.type === 'wheel') return true
      return !event.ctrlKey && !event.shiftKey && !event.button
    })
    .on('start', (event: D3ZoomEvent<HTMLCanvasElement, unknown>) => {
      const x = renderer.xScale
      base = x ? [+x.domain()[0], +x.domain()[1]] : null
      startTransform = event.transform
    })
    .on('zoom', (event: D3ZoomEvent<HTMLCanvasElement, unknown>) => {
      if (!base) return
      const width = renderer.box.width
      const shown = scaleLinear().domain(base).range([0, width])
      // The scale the identity transform would show, then the new transform applied to it.
      const identity = scaleLinear()
        .domain([0, width].map((u) => shown.invert(startTransform.applyX(u))))
        .range([0, width])
      const [a, b] = event.transform.rescaleX(identity).domain()
      view.setManualDomain([a, b])
    })
  target.call(behavior).on('dblclick.zoom', null)

  // Shift+drag: a range to zoom to, shown as a band in the overlay.
  const band = select(overlay).append('rect').attr('class', 'zoom-band').style('display', 'none')
  let bandStart: number | null = null
  // Pointer capture keeps reporting outside the canvas: clamp to the plot.
  const plotX = (e: PointerEvent): number => Math.max(0, Math.min(renderer.box.width, e.offsetX))
  const onPointerDown = (e: PointerEvent): void => {
    if (!e.shiftKey || e.button !== 0) return
    e.preventDefault()
    canvas.setPointerCapture(e.pointerId)
    bandStart = plotX(e)
  }
  const onPointerMove = (e: PointerEvent): void => {
    renderer.setHover(e.offsetX)
    if (bandStart === null) return
    const { left, top, height } = renderer.box
    const px = plotX(e)
    band
      .style('display', null)
      .attr('x', left + Math.min(bandStart, px))
      .attr('y', top)
      .attr('width', Math.abs(px - bandStart))
      .attr('height', height)
  }
  const onPointerUp = (e: PointerEvent): void => {
    if (bandStart === null) return
    const x = renderer.xScale
    const px = plotX(e)
    const [a, b] = [Math.min(bandStart, px), Math.max(bandStart, px)]
    bandStart = null
    band.style('display', 'none')
    if (x && b - a >= 4) view.setManualDomain([+x.invert(a), +x.invert(b)])
  }
  const onLeave = (): void => renderer.setHover(null)
  const onDoubleClick = (): void => view.resetZoom()
  const onKey = (e: KeyboardEvent): void => {
    const { width, height } = renderer.box
    const centre: [number, number] = [width / 2, height / 2]
    if (e.key === '+' || e.key === '=') behavior.scaleBy(target, KEY_ZOOM, centre)
    else if (e.key === '-' || e.key === '_') behavior.scaleBy(target, 1 / KEY_ZOOM, centre)
    else if (e.key === 'ArrowLeft') behavior.translateBy(target, width * KEY_PAN, 0)
    else if (e.key === 'ArrowRight') behavior.translateBy(target, -width * KEY_PAN, 0)
    else if (e.key === '0' || e.key === 'Home' || e.key === 'Escape') view.resetZoom()
    else return
    e.preventDefault()
  }
  // One abort removes every listener below.
  const listeners = new AbortController()
  const { signal } = listeners
  canvas.addEventListener('pointerdown', onPointerDown, { signal })
  canvas.addEventListener('pointermove', onPointerMove, { signal })
  canvas.addEventListener('pointerup', onPointerUp, { signal })
  canvas.addEventListener('pointerleave', onLeave, { signal })
  canvas.addEventListener('dblclick', onDoubleClick, { signal })
  plot.addEventListener('keydown', onKey, { signal })
  return () => {
    target.on('.zoom', null)
    band.remove()
    listeners.abort()
  }
}
