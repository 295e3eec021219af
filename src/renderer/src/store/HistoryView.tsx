import { useCallback, useEffect, useId, useRef, useState } from 'react'
import type { Api } from '../../../shared/contract'
import type { HistoryResult, StoreSeries } from '../../../shared/store-types'
import type { ExportProgress } from '../../../shared/types'
import type { SeriesStore } from '../charts/series-store'
import { download, resultText } from '../export/ExportButton'
import { errorMessage, newId } from '../util/id'
import { colorOf, drawAxes, drawHistory, scalesFor } from './history-draw'
import {
  bucketCount,
  fromLocalInput,
  keyOf,
  presetRange,
  RANGE_PRESETS,
  readingsIn,
  seriesLabel,
  storedUntil,
  tailOf,
  toLocalInput,
  valueDomain,
  type RangePreset,
  type Tail
} from './history-model'

interface Props {
  api: Api
  /** The local capture: its points after what the database holds are the live tail. */
  store: SeriesStore
  readOnly: boolean
  token?: string | null
}

const HEIGHT = 280

/**
 * A time range from the database: min, max and mean per pixel column for the chosen series,
 * with the latest points from the local capture after them. Exports the range as CSV too.
 */
export function HistoryView({ api, store, readOnly, token }: Props): React.JSX.Element {
  const id = useId()
  const [series, setSeries] = useState<StoreSeries[] | null>(null)
  const [chosen, setChosen] = useState<Set<string>>(() => new Set())
  const [preset, setPreset] = useState<RangePreset>('day')
  const [from, setFrom] = useState(() => toLocalInput(Date.now() - 86_400_000))
  const [to, setTo] = useState(() => toLocalInput(Date.now()))
  const [result, setResult] = useState<HistoryResult | null>(null)
  const [error, setError] = useState('')
  const [loading, setLoading] = useState(false)
  const [exporting, setExporting] = useState<string | null>(null)
  const [progress, setProgress] = useState<ExportProgress | null>(null)
  const [exportText, setExportText] = useState<{ error: boolean; text: string } | null>(null)
  const canvas = useRef<HTMLCanvasElement>(null)
  const axes = useRef<HTMLDivElement>(null)
  const exportingRef = useRef<string | null>(null)

  const fetchSeries = useCallback(
    () =>
      api.invoke('store:series').then(
        (list) => {
          setSeries(list)
          setError('')
        },
        (e: unknown) => setError(errorMessage(e))
      ),
    [api]
  )

  useEffect(() => {
    void fetchSeries()
  }, [fetchSeries])
  useEffect(
    () =>
      api.on('export:progress', (p) => {
        if (p.exportId === exportingRef.current) setProgress(p)
      }),
    [api]
  )

  const range = (): { fromMs: number; toMs: number } | null => {
    const now = Date.now()
    const picked = presetRange(preset, now)
    if (picked) return picked
    const fromMs = fromLocalInput(from)
    const toMs = fromLocalInput(to)
    if (fromMs === null || toMs === null) {
      setError('Enter both ends of the range as a date and time.')
      return null
    }
    if (toMs <= fromMs) {
      setError('The end of the range must be after its start.')
      return null
    }
    return { fromMs, toMs }
  }

  const keys = (): StoreSeries[] => (series ?? []).filter((s) => chosen.has(keyOf(s)))

  const show = async (): Promise<void> => {
    setError('')
    const r = range()
    if (!r) return
    const picked = keys()
    if (picked.length === 0) {
      setError('Choose at least one series.')
      return
    }
    const width = canvas.current?.clientWidth ?? 800
    setLoading(true)
    try {
      setResult(
        await api.invoke('store:history', {
          series: picked.map(({ connection, topic, field }) => ({ connection, topic, field })),
          ...r,
          buckets: bucketCount(width - 72)
        })
      )
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setLoading(false)
    }
  }

  // Draws the answer, and again as the local capture adds to the tail.
  useEffect(() => {
    if (!result || !canvas.current || !axes.current) return
    const target = canvas.current
    const svgHost = axes.current
    // The live tail needs the local points of these series, which the page keeps only when
    // something shows them.
    const release = store.watch(
      result.series
        .map((s) => store.defs.find((d) => keyOf(d) === keyOf(s))?.id)
        .filter((id): id is number => id !== undefined)
    )
    const draw = (): void => {
      const tails: (Tail | null)[] = result.series.map((s) => {
        const def = store.defs.find((d) => keyOf(d) === keyOf(s))
        const buffer = def && store.get(def.id)
        if (!buffer) return null
        return tailOf(buffer.t, buffer.v, storedUntil(result, s), result.toMs)
      })
      const domain = valueDomain(result.series, tails)
      if (!domain) {
        target.getContext('2d')?.clearRect(0, 0, target.width, target.height)
        return
      }
      const width = target.clientWidth
      const scales = scalesFor(result, domain, width, HEIGHT)
      drawHistory(target, result, tails, scales)
      let svg = svgHost.querySelector('svg')
      if (!svg)
        svg = svgHost.appendChild(document.createElementNS('http://www.w3.org/2000/svg', 'svg'))
      drawAxes(svg, scales, width, HEIGHT)
    }
    draw()
    let frame = 0
    const off = store.onData(() => {
      if (frame) return
      frame = requestAnimationFrame(() => {
        frame = 0
        draw()
      })
    })
    return () => {
      off()
      release()
      if (frame) cancelAnimationFrame(frame)
    }
  }, [result, store])

  const exportCsv = async (): Promise<void> => {
    setExportText(null)
    const r = range()
    const picked = keys()
    if (!r || picked.length === 0) {
      if (picked.length === 0) setError('Choose at least one series.')
      return
    }
    const exportId = newId()
    exportingRef.current = exportId
    setExporting(exportId)
    setProgress(null)
    try {
      const done = await api.invoke('store:export', {
        exportId,
        series: picked.map(({ connection, topic, field }) => ({ connection, topic, field })),
        ...r
      })
      setExportText({ error: false, text: resultText(done) })
      if (done.status === 'done' && done.downloadUrl)
        download(done.downloadUrl, done.fileName, token)
    } catch (e) {
      setExportText({ error: true, text: errorMessage(e) })
    } finally {
      exportingRef.current = null
      setExporting(null)
    }
  }

  const toggle = (key: string, on: boolean): void =>
    setChosen((set) => {
      const next = new Set(set)
      if (on) next.add(key)
      else next.delete(key)
      return next
    })

  return (
    <section className="panel history-view" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>History from the database</h2>
      {series === null && !error && <p className="hint">Asking the database for its series…</p>}
      {series?.length === 0 && (
        <p className="hint">
          No series to show yet: set up the database store, or wait until readings reach it.
        </p>
      )}
      {series && series.length > 0 && (
        <fieldset className="history-series">
          <legend>Series</legend>
          {series.map((s) => {
            const key = keyOf(s)
            return (
              <label key={key} className="checkbox">
                <input
                  type="checkbox"
                  checked={chosen.has(key)}
                  onChange={(e) => toggle(key, e.target.checked)}
                />
                {seriesLabel(s)}
                <span className="hint"> {s.connection}</span>
              </label>
            )
          })}
        </fieldset>
      )}
      <div className="history-range">
        <div className="field">
          <label htmlFor={`${id}-preset`}>Range</label>
          <select
            id={`${id}-preset`}
            value={preset}
            onChange={(e) => setPreset(e.target.value as RangePreset)}
          >
            {RANGE_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            <option value="custom">From… to…</option>
          </select>
        </div>
        {preset === 'custom' && (
          <>
            <div className="field">
              <label htmlFor={`${id}-from`}>From</label>
              <input
                id={`${id}-from`}
                type="datetime-local"
                value={from}
                onChange={(e) => setFrom(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-to`}>To</label>
              <input
                id={`${id}-to`}
                type="datetime-local"
                value={to}
                onChange={(e) => setTo(e.target.value)}
              />
            </div>
          </>
        )}
        <div className="button-row">
          <button type="button" onClick={() => void show()} disabled={loading}>
            Show history
          </button>
          <button type="button" onClick={() => void fetchSeries()}>
            Ask the database again
          </button>
          <button
            type="button"
            onClick={() => void exportCsv()}
            disabled={readOnly || exporting !== null}
          >
            Export from the database (CSV)
          </button>
          {exporting && (
            <button
              type="button"
              onClick={() => void api.invoke('export:cancel', { exportId: exporting })}
            >
              Stop the export
            </button>
          )}
        </div>
      </div>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {exporting && (
        <div className="field">
          <label htmlFor={`${id}-progress`}>Exporting from the database</label>
          <progress id={`${id}-progress`} max={1} value={progress?.fraction ?? 0} />
          <p className="hint">{(progress?.rows ?? 0).toLocaleString('en-US')} rows</p>
        </div>
      )}
      {exportText && (
        <p
          role={exportText.error ? 'alert' : undefined}
          aria-live="polite"
          className={exportText.error ? 'error-text' : 'ok-text'}
        >
          {exportText.text}
        </p>
      )}
      <div className="history-chart" style={{ height: HEIGHT }} hidden={!result}>
        <canvas
          ref={canvas}
          role="img"
          aria-label={result ? historyLabel(result) : 'History chart'}
          style={{ height: HEIGHT }}
        />
        <div ref={axes} className="history-axes" aria-hidden="true" />
      </div>
      {result && (
        <ul className="history-legend" aria-label="History legend">
          {result.series.map((s, k) => (
            <li key={keyOf(s)}>
              <span className="swatch" style={{ background: colorOf(k) }} aria-hidden="true" />
              {seriesLabel(s)}: {readingsIn(s).toLocaleString('en-US')} readings in{' '}
              {s.t.length.toLocaleString('en-US')} buckets
            </li>
          ))}
        </ul>
      )}
      {loading && <p className="hint">Asking the database…</p>}
    </section>
  )
}

function historyLabel(result: HistoryResult): string {
  const total = result.series.reduce((n, s) => n + readingsIn(s), 0)
  const source = result.from === 'summaries' ? 'its 10-minute summaries' : 'its readings'
  return `History of ${result.series.length} series from the database (${total.toLocaleString('en-US')} readings, from ${source}), from ${new Date(result.fromMs).toLocaleString()} to ${new Date(result.toMs).toLocaleString()}; the dashed line is the live capture after it.`
}
