import { startTransition, useEffect, useMemo, useRef, useState } from 'react'
import type { Api } from '../../../shared/contract'
import type { ChartPicks } from '../explorer/chart-picks'
import { newId, errorMessage } from '../util/id'
import './charts.css'
import {
  addPicked,
  AUTO_SERIES_LIMIT,
  autoCharted,
  chartTargets,
  unchartedConnections
} from './chart-choice'
import { hasMultipleConnections } from './grouping'
import {
  addChart,
  defaultLayout,
  keyFromDef,
  keyOf,
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
  /** "Chart" in the topic explorer: picks arrive here and join the layout. */
  picks?: ChartPicks
}

const SAVE_DELAY_MS = 400

/**
 * The charts. Until the user changes something the layout is automatic (one chart per unit,
 * following new series); after that it is explicit and saved with the settings.
 * Re-renders only when the set of series or the layout changes, never per batch.
 */
export function Dashboard({ store, api, savedLayout, layoutLoaded, readOnly, picks }: Props) {
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
  // A picked series' recent points could not be loaded: say so (the live ones still come).
  const [loadError, setLoadError] = useState('')
  useEffect(() => {
    let shown = ''
    return store.onData(() => {
      if (store.loadError !== shown) setLoadError((shown = store.loadError))
    })
  }, [store])
  const saveTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  // The saved layout is taken once, when the settings first arrive; a bad one is ignored.
  if (layoutLoaded && !adopted) {
    setAdopted(true)
    setLayout(parseLayout(savedLayout))
  }
  const multiple = useMemo(() => hasMultipleConnections(defs), [defs])
  const shown = useMemo(() => layout ?? defaultLayout(autoCharted(defs)), [layout, defs])
  const uncharted = useMemo(() => unchartedConnections(defs, shown), [defs, shown])

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

  // The explorer's "Chart" joins the layout as it is now (the latest render's).
  const latest = useRef({ shown, defs, save })
  useEffect(() => {
    latest.current = { shown, defs, save }
    picks?.setTargets(chartTargets(shown, defs))
  })
  useEffect(
    () =>
      picks?.handle((pick) => {
        const { shown: now, defs: known, save: commit } = latest.current
        const units = new Map(known.map((d) => [keyOf(keyFromDef(d)), d.unit]))
        const result = addPicked(
          now,
          pick.keys,
          pick.target,
          (k) => units.get(keyOf(k)) ?? '',
          () => `chart-${newId()}`
        )
        if (result.layout !== now) commit(result.layout)
        return { ok: result.layout !== now, message: result.message }
      }),
    [picks]
  )

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
      {loadError && (
        <p className="error-text" role="alert">
          Could not load the recent points of a charted series: {loadError}. New readings are still
          drawn.
        </p>
      )}
      {uncharted.map((u) => (
        <p key={u.connection} className="hint uncharted" role="note">
          {u.connection}: {u.charted.toLocaleString('en-US')} of{' '}
          {u.available.toLocaleString('en-US')} series charted. With more than {AUTO_SERIES_LIMIT}{' '}
          series a connection is charted only as you pick: select a topic in the Topics panel and
          use Chart beside a field, or Chart numeric fields below on a branch; or use a chart’s
          Series button.
        </p>
      ))}
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
