import { useEffect, useState } from 'react'
import { formatWithUnit } from './format'
import type { SeriesStore } from './series-store'
import { throttle } from './throttle'

export interface LegendItem {
  id: number
  label: string
  color: string
  unit: string
}

interface Props {
  store: SeriesStore
  name: string
  items: LegendItem[]
}

/** Each series' name and latest value; re-rendered at most 4 times a second, not per batch. */
export function Legend({ store, name, items }: Props): React.JSX.Element {
  const [, setTick] = useState(0)
  const idsKey = items.map((i) => i.id).join(',')

  useEffect(() => {
    const ids = new Set(idsKey.split(',').map(Number))
    const refresh = throttle(() => setTick((n) => n + 1), 250)
    const off = store.onData((changed) => {
      if (changed.size === 0) refresh()
      else for (const id of changed) if (ids.has(id)) return refresh()
    })
    return () => {
      off()
      refresh.cancel()
    }
  }, [store, idsKey])

  return (
    <ul className="legend" aria-label={name}>
      {items.map((item) => (
        <li key={item.id}>
          <span className="legend-swatch" style={{ background: item.color }} aria-hidden="true" />
          <span className="legend-name">{item.label}</span>{' '}
          <span className="legend-value">
            {formatWithUnit(store.get(item.id)?.lastV ?? NaN, item.unit)}
          </span>
        </li>
      ))}
    </ul>
  )
}
