import { schemeTableau10 } from 'd3'
import { useCallback, useMemo, useSyncExternalStore } from 'react'
import { seriesLabel } from './format'
import { groupSeries, hasMultipleConnections } from './grouping'
import type { LegendItem } from './Legend'
import { LiveChart } from './LiveChart'
import type { SeriesStore } from './series-store'

interface Props {
  store: SeriesStore
}

/** One chart per unit. Re-renders only when the set of series changes, never per batch. */
export function Dashboard({ store }: Props): React.JSX.Element {
  const subscribe = useCallback((onChange: () => void) => store.onDefs(onChange), [store])
  const defs = useSyncExternalStore(subscribe, () => store.defs)
  const charts = useMemo(() => {
    const multiple = hasMultipleConnections(defs)
    return groupSeries(defs).map((group) => {
      const items: LegendItem[] = group.seriesIds.map((id, i) => {
        const def = store.def(id)
        return {
          id,
          label: def ? seriesLabel(def, multiple) : `series ${id}`,
          color: schemeTableau10[i % schemeTableau10.length],
          unit: def?.unit ?? ''
        }
      })
      return { group, items }
    })
  }, [defs, store])

  if (charts.length === 0) {
    return (
      <p className="dashboard-empty">No readings yet. Connect to a broker to see live charts.</p>
    )
  }
  return (
    <div className="dashboard">
      {charts.map(({ group, items }) => (
        <LiveChart key={group.key} store={store} group={group} items={items} />
      ))}
    </div>
  )
}
