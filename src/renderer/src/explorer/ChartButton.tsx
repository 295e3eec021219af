import { useId, useState, useSyncExternalStore } from 'react'
import type { SeriesKey } from '../charts/layout'
import type { ChartPicks } from './chart-picks'

interface Props {
  picks: ChartPicks
  seriesKey: SeriesKey
  /** The series' unit, to offer the charts of the same unit (asked when the menu opens). */
  unitOf: (key: SeriesKey) => string
}

/** "Chart" for one numeric field: into an existing chart of its unit, or a new chart. */
export function ChartButton({ picks, seriesKey, unitOf }: Props): React.JSX.Element {
  const [open, setOpen] = useState(false)
  const [unit, setUnit] = useState('')
  const [outcome, setOutcome] = useState('')
  const menuId = useId()
  const targets = useSyncExternalStore(
    (l) => picks.subscribe(l),
    () => picks.targets
  )
  const same = targets.filter((t) => t.unit === unit)
  const choose = (target: string): void => {
    setOpen(false)
    setOutcome(picks.pick({ keys: [seriesKey], target }).message)
  }
  return (
    <span className="chart-button">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label={`Chart ${seriesKey.field}`}
        onClick={() => {
          if (!open) setUnit(unitOf(seriesKey))
          setOpen(!open)
        }}
      >
        Chart
      </button>
      {open && (
        <span id={menuId} role="group" aria-label={`Where to chart ${seriesKey.field}`}>
          <button type="button" onClick={() => choose('new')}>
            New chart
          </button>
          {same.map((t) => (
            <button key={t.id} type="button" onClick={() => choose(t.id)}>
              Add to {t.title}
            </button>
          ))}
        </span>
      )}
      {outcome && (
        <span role="status" className="hint">
          {outcome}
        </span>
      )}
    </span>
  )
}
