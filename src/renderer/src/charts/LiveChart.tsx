import { useEffect, useRef } from 'react'
import { ChartRenderer, type ChartLine } from './chart-renderer'
import type { ChartGroup } from './grouping'
import { Legend, type LegendItem } from './Legend'
import type { SeriesStore } from './series-store'

interface Props {
  store: SeriesStore
  group: ChartGroup
  items: LegendItem[]
}

/** Time-follow refresh when no data arrives, so the window keeps sliding. */
const IDLE_REFRESH_MS = 1000

export function LiveChart({ store, group, items }: Props): React.JSX.Element {
  const figureRef = useRef<HTMLElement>(null)
  const plotRef = useRef<HTMLDivElement>(null)
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const svgRef = useRef<SVGSVGElement>(null)
  const rendererRef = useRef<ChartRenderer | null>(null)
  const linesKey = items.map((i) => `${i.id}:${i.color}`).join(',')

  useEffect(() => {
    const figure = figureRef.current
    const plot = plotRef.current
    const canvas = canvasRef.current
    const svg = svgRef.current
    if (!figure || !plot || !canvas || !svg) return
    figure.dataset.points = '0'
    const renderer = new ChartRenderer(figure, canvas, svg, store, [])
    rendererRef.current = renderer
    const measure = (): void => {
      const box = plot.getBoundingClientRect()
      renderer.resize(box.width, box.height, window.devicePixelRatio || 1)
    }
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(plot)
    // A DPR change (moving the window to another screen) needs a new backing store.
    const dprQuery = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`)
    dprQuery.addEventListener('change', measure)
    const timer = setInterval(() => renderer.markDirty(), IDLE_REFRESH_MS)
    return () => {
      observer.disconnect()
      dprQuery.removeEventListener('change', measure)
      clearInterval(timer)
      renderer.destroy()
      rendererRef.current = null
    }
  }, [store])

  useEffect(() => {
    const renderer = rendererRef.current
    if (!renderer) return
    const lines: ChartLine[] = linesKey.split(',').map((entry) => {
      const [id, color] = entry.split(':')
      return { id: Number(id), color }
    })
    renderer.setLines(lines)
    const ids = new Set(lines.map((l) => l.id))
    return store.onData((changed) => {
      if (changed.size === 0) return renderer.markDirty()
      for (const id of changed) if (ids.has(id)) return renderer.markDirty()
    })
  }, [store, linesKey])

  return (
    <figure className="chart" ref={figureRef}>
      <figcaption>{group.title}</figcaption>
      <div className="chart-plot" ref={plotRef}>
        <canvas ref={canvasRef} aria-hidden="true" />
        <svg ref={svgRef} aria-hidden="true" />
      </div>
      <Legend store={store} name={group.legendName} items={items} />
    </figure>
  )
}
