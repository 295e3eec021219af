import type { ChartView } from './chart-view'
import { WINDOWS, type WindowId } from './domain'

interface Props {
  view: ChartView
  window: WindowId
  onWindow: (id: WindowId) => void
  pickerOpen: boolean
  pickerId: string
  onPicker: () => void
  canMoveUp: boolean
  canMoveDown: boolean
  onMove: (delta: number) => void
  onRemove: () => void
}

interface IconProps {
  label: string
  glyph: string
  disabled?: boolean
  onClick: () => void
}

/** A one-glyph button; its label is also its tooltip. */
function IconButton({ label, glyph, disabled, onClick }: IconProps): React.JSX.Element {
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={label}
      title={label}
      disabled={disabled}
      onClick={onClick}
    >
      {glyph}
    </button>
  )
}

/** Time window presets, pause, zoom reset and clear; then series and layout actions. */
export function ChartControls(p: Props): React.JSX.Element {
  const view = p.view
  return (
    <div className="chart-toolbar">
      <div className="segmented" role="group" aria-label="Time window">
        {WINDOWS.map((w) => (
          <button
            key={w.id}
            type="button"
            aria-pressed={p.window === w.id && !view.zoomed}
            onClick={() => {
              p.onWindow(w.id)
              view.resetZoom()
            }}
          >
            {w.label}
          </button>
        ))}
      </div>
      <button type="button" onClick={() => (view.paused ? view.resume() : view.pause())}>
        {view.paused ? 'Resume' : 'Pause'}
      </button>
      <button type="button" disabled={!view.zoomed} onClick={() => view.resetZoom()}>
        Reset zoom
      </button>
      <button type="button" onClick={() => view.clear()} title="Hide what is drawn so far">
        Clear
      </button>
      <span className="chart-toolbar-gap" />
      <button
        type="button"
        aria-expanded={p.pickerOpen}
        aria-controls={p.pickerId}
        onClick={p.onPicker}
      >
        Series
      </button>
      <IconButton
        label="Move chart up"
        glyph="↑"
        disabled={!p.canMoveUp}
        onClick={() => p.onMove(-1)}
      />
      <IconButton
        label="Move chart down"
        glyph="↓"
        disabled={!p.canMoveDown}
        onClick={() => p.onMove(1)}
      />
      <IconButton label="Remove chart" glyph="✕" onClick={p.onRemove} />
    </div>
  )
}
