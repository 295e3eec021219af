import { startTransition, useEffect, useMemo, useRef, useState } from 'react'
import type { Api } from '../../../shared/contract'
import { newId, errorMessage } from '../util/id'
import './charts.css'
import { hasMultipleConnections } from './grouping'
import {
  addChart,
  defaultLayout,
  moveChart,
  parseLayout,
  removeChart,
  updateChart,
  type DashboardLayout
} from './layout'
import { LiveChart } from './LiveChart'
import type { SeriesStore } from './series-store'

interface Props {
  store: SeriesStore
  api?: Api
  /** settings.ui.layout as loaded; undefined until the settings arrived. */
  savedLayout?: unknown
  layoutLoaded?: boolean
  readOnly?: boolean
}

const SAVE_DELAY_MS = 400

/**
 * The charts. Until the user changes something the layout is automatic (one chart per unit,
 * following new series); after that it is explicit and saved with the settings.
 * Re-renders only when the set of series or the layout changes, never per batch.
 */
export function Dashboard({ store, api, savedLayout, layoutLoaded, readOnly }: Props) {
  // New series re-render every chart and legend: as a transition, which React renders in
  // slices between frames and messages instead of in one block (hundreds of series can
  // appear within a few batches).
  const [defs, setDefs] = useState(() => store.defs)
  useEffect(() => {
    const update = (): void => startTransition(() => setDefs(store.defs))
    update()
    return store.onDefs(update)
  }, [store])
  const [layout, setLayout] = useState<DashboardLayout | null>(null)
  const [adopted, setAdopted] = useState(false)
  const [saveError, setSaveError] = useState('')
  const saveTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  // The saved layout is taken once, when the settings first arrive; a bad one is ignored.
  if (layoutLoaded && !adopted) {
    setAdopted(true)
    setLayout(parseLayout(savedLayout))
  }
  const multiple = useMemo(() => hasMultipleConnections(defs), [defs])
  const shown = useMemo(() => layout ?? defaultLayout(defs), [layout, defs])

  useEffect(() => () => clearTimeout(saveTimer.current), [])

  const save = (next: DashboardLayout | null): void => {
    setLayout(next)
    if (!api || readOnly) return
    clearTimeout(saveTimer.current)
    saveTimer.current = setTimeout(() => {
      api.invoke('settings:save-ui', { layout: next }).then(
        () => setSaveError(''),
        (e: unknown) => setSaveError(errorMessage(e))
      )
    }, SAVE_DELAY_MS)
  }
  const edit = (change: (l: DashboardLayout) => DashboardLayout): void => save(change(shown))

  return (
    <section className="dashboard" aria-label="Charts">
      <div className="dashboard-bar">
        <button type="button" onClick={() => edit((l) => addChart(l, `chart-${newId()}`))}>
          Add chart
        </button>
        <button type="button" disabled={layout === null} onClick={() => save(null)}>
          Default layout
        </button>
        <p className="hint">
          Wheel: zoom · drag: pan · Shift+drag: zoom to a range · double-click: reset · keys + − ← →
          0 · click a legend entry to hide it
        </p>
        {saveError && (
          <p className="error-text" role="alert">
            Could not save the chart layout: {saveError}
          </p>
        )}
      </div>
      {shown.charts.length === 0 && (
        <p className="dashboard-empty">
          {defs.length === 0
            ? 'No readings yet. Connect to a broker to see live charts.'
            : 'No charts. Add one and pick its series.'}
        </p>
      )}
      {shown.charts.map((chart, index) => (
        <LiveChart
          key={chart.id}
          store={store}
          chart={chart}
          defs={defs}
          multiple={multiple}
          index={index}
          count={shown.charts.length}
          onChange={(next) => edit((l) => updateChart(l, chart.id, () => next))}
          onMove={(delta) => edit((l) => moveChart(l, chart.id, delta))}
          onRemove={() => edit((l) => removeChart(l, chart.id))}
        />
      ))}
    </section>
  )
}
