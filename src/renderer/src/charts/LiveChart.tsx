import { onAppCommand } from '../app/app-commands'
import { schemeTableau10 } from 'd3'
import {
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore
} from 'react'
import type { SeriesDef } from '../../../shared/types'
import { attachInteraction } from './chart-interaction'
import { ChartRenderer } from './chart-renderer'
import { ChartView, type ChartLine } from './chart-view'
import { ChartControls } from './ChartControls'
import { windowById } from './domain'
import { seriesLabel } from './format'
import {
  chartTitle,
  keyFromDef,
  keyOf,
  toggleHidden,
  toggleSeries,
  type ChartConfig
} from './layout'
import { Legend } from './Legend'
import type { SeriesStore } from './series-store'
import { SeriesPicker } from './SeriesPicker'

interface Props {
  store: SeriesStore
  chart: ChartConfig
  defs: readonly SeriesDef[]
  multiple: boolean
  index: number
  count: number
  onChange: (chart: ChartConfig) => void
  onMove: (delta: number) => void
  onRemove: () => void
}

/** Lines with colours by position in the chart and the first unit on the left axis. */
function resolveLines(chart: ChartConfig, defs: readonly SeriesDef[], multiple: boolean) {
  const byKey = new Map(defs.map((d) => [keyOf(keyFromDef(d)), d]))
  const units = new Map(defs.map((d) => [keyOf(keyFromDef(d)), d.unit]))
  const lines: ChartLine[] = []
  let leftUnit: string | null = null
  chart.series.forEach((key, i) => {
    const def = byKey.get(keyOf(key))
    if (!def) return
    leftUnit ??= def.unit
    lines.push({
      id: def.id,
      color: schemeTableau10[i % schemeTableau10.length],
      label: seriesLabel(def, multiple),
      unit: def.unit,
      axis: def.unit === leftUnit ? 0 : 1
    })
  })
  const hidden = new Set(chart.hidden.map(keyOf))
  const hiddenIds = chart.series
    .filter((k) => hidden.has(keyOf(k)))
    .map((k) => byKey.get(keyOf(k))?.id)
    .filter((id): id is number => id !== undefined)
  const unitList = [...new Set(lines.map((l) => l.unit))].filter(Boolean)
  const fields = [...new Set(chart.series.map((s) => s.field))].join(', ')
  return {
    lines,
    hiddenIds,
    title: chartTitle(chart, units),
    legendName: `${unitList.join(', ') || fields || 'Empty chart'} legend`
  }
}

/** Refresh while following with no data: about one pixel of time, 20 to 1 per second. */
function idleDelay(view: ChartView, width: number): number {
  return Math.min(1000, Math.max(50, windowById(view.window).ms / Math.max(1, width)))
}

export function LiveChart(props: Props): React.JSX.Element {
  const { store, chart, defs, multiple, onChange } = props
  const [view] = useState(() => new ChartView(store))
  const [pickerOpen, setPickerOpen] = useState(chart.series.length === 0)
  const subscribe = useCallback((fn: () => void) => view.subscribe(fn), [view])
  useSyncExternalStore(subscribe, () => view.version)
  const uid = useId()
  const figureRef = useRef<HTMLElement>(null)
  const plotRef = useRef<HTMLDivElement>(null)
  const surfaceRef = useRef<HTMLDivElement>(null)
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const axesRef = useRef<SVGSVGElement>(null)
  const overlayRef = useRef<SVGSVGElement>(null)
  const readoutRef = useRef<HTMLUListElement>(null)
  const { lines, hiddenIds, title, legendName } = useMemo(
    () => resolveLines(chart, defs, multiple),
    [chart, defs, multiple]
  )

  useEffect(() => {
    const [figure, plot, surface, canvas] = [
      figureRef.current,
      plotRef.current,
      surfaceRef.current,
      canvasRef.current
    ]
    const [axes, overlay, readout] = [axesRef.current, overlayRef.current, readoutRef.current]
    if (!figure || !plot || !surface || !canvas || !axes || !overlay || !readout) return
    figure.dataset.points = '0'
    const renderer = new ChartRenderer(view, { figure, canvas, axes, overlay, readout })
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
    const detach = attachInteraction(surface, canvas, overlay, renderer, view)
    // The window slides with the clock even when no data arrives.
    let timer: ReturnType<typeof setTimeout>
    const tick = (): void => {
      if (!view.paused && !view.zoomed) renderer.markDirty()
      timer = setTimeout(tick, idleDelay(view, renderer.box.width))
    }
    tick()
    return () => {
      clearTimeout(timer)
      detach()
      observer.disconnect()
      dprQuery.removeEventListener('change', measure)
      renderer.destroy()
    }
  }, [view])

  // The desktop menu's Pause (and its shortcut) pauses or resumes every chart.
  useEffect(
    () => onAppCommand(window, 'pause', () => (view.paused ? view.resume() : view.pause())),
    [view]
  )

  useEffect(() => view.setLines(lines), [view, lines])
  useEffect(() => () => view.dispose(), [view])
  const hiddenKey = hiddenIds.join(',')
  useEffect(
    () => view.setHidden(hiddenKey ? hiddenKey.split(',').map(Number) : []),
    [view, hiddenKey]
  )
  useEffect(() => view.setWindow(chart.window), [view, chart.window])

  const keyById = new Map(defs.map((d) => [d.id, keyFromDef(d)]))
  const summaryId = `${uid}-summary`
  const pickerId = `${uid}-series`
  return (
    <figure className="chart" ref={figureRef}>
      <figcaption>{title}</figcaption>
      <ChartControls
        view={view}
        window={chart.window}
        onWindow={(w) => onChange({ ...chart, window: w })}
        pickerOpen={pickerOpen}
        pickerId={pickerId}
        onPicker={() => setPickerOpen((open) => !open)}
        canMoveUp={props.index > 0}
        canMoveDown={props.index < props.count - 1}
        onMove={props.onMove}
        onRemove={props.onRemove}
      />
      {pickerOpen && (
        <SeriesPicker
          id={pickerId}
          chart={chart}
          title={title}
          defs={defs}
          multiple={multiple}
          onToggle={(key, on) => onChange(toggleSeries(chart, key, on))}
        />
      )}
      <div className="chart-plot" ref={plotRef}>
        <div
          className="chart-surface"
          ref={surfaceRef}
          role="img"
          tabIndex={0}
          aria-label={`${title} plot. Keys: + and - zoom, arrows pan, 0 resets.`}
          aria-describedby={summaryId}
        >
          <svg ref={axesRef} className="chart-axes" aria-hidden="true" />
          <canvas ref={canvasRef} aria-hidden="true" />
          <svg ref={overlayRef} className="chart-overlay" aria-hidden="true" />
        </div>
        <ul ref={readoutRef} className="chart-readout" aria-label="Values at cursor" hidden />
      </div>
      <Legend
        view={view}
        name={legendName}
        title={title}
        items={lines}
        hidden={hiddenIds}
        summaryId={summaryId}
        onToggle={(id) => {
          const key = keyById.get(id)
          if (key) onChange(toggleHidden(chart, key))
        }}
      />
    </figure>
  )
}
