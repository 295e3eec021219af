import { useEffect, useMemo, useRef, useState } from 'react'
import type { Api } from '../../../shared/contract'
import type { ExplorerSettings, RecentPublish } from '../../../shared/topic-types'
import type { SeriesKey } from '../charts/layout'
import type { SeriesStore } from '../charts/series-store'
import { errorMessage } from '../util/id'
import type { ChartPicks } from './chart-picks'
import { HistorySettings } from './HistorySettings'
import { Inspector } from './Inspector'
import { PublishPanel, type PublishConnection } from './PublishPanel'
import { TopicMirror } from './topic-mirror'
import { TopicTree } from './TopicTree'
import { TreeViewModel } from './tree-view-model'
import './explorer.css'

interface Props {
  api: Api
  onReconnect: (listener: () => void) => () => void
  readOnly: boolean
  /** settings.explorer once the settings arrived. */
  settings: ExplorerSettings | undefined
  connections: PublishConnection[]
  picks: ChartPicks
  store: SeriesStore
}

const MIN_WIDTH = 260
const SAVE_DELAY_MS = 400

/** Loads the core's tree and follows its deltas while `active` (the panel is shown). */
function useTopicMirror(api: Api, onReconnect: Props['onReconnect'], active: boolean) {
  const mirror = useMemo(() => new TopicMirror(), [])
  const [error, setError] = useState('')
  useEffect(() => {
    if (!active) return
    const off = api.on('topics:delta', (d) => mirror.apply(d))
    let seq = 0
    const load = (): void => {
      const mine = ++seq
      mirror.unload()
      api.invoke('topics:snapshot').then(
        (s) => {
          if (mine !== seq) return
          mirror.load(s)
          setError('')
        },
        (e: unknown) => mine === seq && setError(errorMessage(e))
      )
    }
    const offReconnect = onReconnect(load)
    mirror.onGap(load)
    load()
    return () => {
      seq++
      off()
      offReconnect()
      mirror.onGap(null)
      mirror.unload()
    }
  }, [api, onReconnect, mirror, active])
  return { mirror, error }
}

/**
 * The topic panel beside the charts: the tree with its filter, the inspector for the
 * selected topic, publishing, and the history's limits. Resizable, can be hidden; both are
 * remembered.
 */
export function ExplorerPanel(props: Props): React.JSX.Element {
  const { api, onReconnect, readOnly, settings, connections, picks, store } = props
  const [hidden, setHidden] = useState(false)
  const [width, setWidth] = useState(420)
  const [recent, setRecent] = useState<readonly RecentPublish[]>([])
  // The saved layout is taken once, when the settings first arrive.
  const [adopted, setAdopted] = useState(false)
  if (settings && !adopted) {
    setAdopted(true)
    setHidden(settings.panelHidden)
    setWidth(settings.panelWidth)
    setRecent(settings.recent)
  }
  const { mirror, error } = useTopicMirror(api, onReconnect, !hidden)
  const model = useMemo(() => new TreeViewModel(mirror), [mirror])
  const [filter, setFilter] = useState('')
  const [selected, setSelected] = useState(-1)
  const [prefill, setPrefill] = useState<{ profileId: string; topic: string; n: number } | null>(
    null
  )
  const [saveError, setSaveError] = useState('')
  const saveTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const drag = useRef<{ x: number; width: number } | null>(null)

  useEffect(() => () => clearTimeout(saveTimer.current), [])

  // Changes within the save delay go together (a resize, then hiding: both are kept).
  const pending = useRef<Partial<Pick<ExplorerSettings, 'panelWidth' | 'panelHidden'>>>({})
  const save = (change: Partial<Pick<ExplorerSettings, 'panelWidth' | 'panelHidden'>>): void => {
    if (readOnly) return
    pending.current = { ...pending.current, ...change }
    clearTimeout(saveTimer.current)
    saveTimer.current = setTimeout(() => {
      const all = pending.current
      pending.current = {}
      api.invoke('topics:save-settings', all).then(
        () => setSaveError(''),
        (e: unknown) => setSaveError(errorMessage(e))
      )
    }, SAVE_DELAY_MS)
  }
  const resize = (w: number): void => {
    const max = Math.max(MIN_WIDTH, Math.floor(window.innerWidth * 0.75))
    const next = Math.round(Math.max(MIN_WIDTH, Math.min(max, w)))
    setWidth(next)
    save({ panelWidth: next })
  }
  const toggle = (hide: boolean): void => {
    setHidden(hide)
    save({ panelHidden: hide })
  }

  const unitOf = (key: SeriesKey): string =>
    store.defs.find(
      (d) => d.connection === key.connection && d.topic === key.topic && d.field === key.field
    )?.unit ?? ''

  if (hidden)
    return (
      <div className="explorer-rail">
        <button
          type="button"
          aria-expanded={false}
          aria-controls="explorer-panel"
          onClick={() => toggle(false)}
        >
          Show topics
        </button>
      </div>
    )

  return (
    <aside id="explorer-panel" className="explorer" aria-label="Topic explorer" style={{ width }}>
      <div className="explorer-head">
        <h2>Topics</h2>
        <button
          type="button"
          aria-expanded={true}
          aria-controls="explorer-panel"
          onClick={() => toggle(true)}
        >
          Hide topics
        </button>
      </div>
      <input
        type="search"
        className="topic-filter"
        aria-label="Filter topics"
        placeholder="Filter: text, a field name, or plant/+/dev7/#"
        value={filter}
        spellCheck={false}
        onChange={(e) => {
          setFilter(e.target.value)
          model.setFilter(e.target.value)
        }}
      />
      {error && (
        <p className="error-text" role="alert">
          Could not load the topics: {error}
        </p>
      )}
      {saveError && (
        <p className="error-text" role="alert">
          Could not save the panel layout: {saveError}
        </p>
      )}
      <TopicTree api={api} model={model} onSelect={setSelected} />
      <Inspector
        key={selected}
        api={api}
        mirror={mirror}
        nodeId={selected}
        readOnly={readOnly}
        picks={picks}
        unitOf={unitOf}
        onPublishHere={(profileId, topic) => setPrefill({ profileId, topic, n: Date.now() })}
      />
      {!readOnly && (
        <PublishPanel
          api={api}
          connections={connections}
          recent={recent}
          onRecent={setRecent}
          prefill={prefill}
        />
      )}
      {settings && <HistorySettings api={api} settings={settings} readOnly={readOnly} />}
      <div
        className="explorer-resize"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the topic panel"
        aria-valuenow={width}
        aria-valuemin={MIN_WIDTH}
        tabIndex={0}
        onKeyDown={(e) => {
          if (e.key === 'ArrowLeft') resize(width - 20)
          else if (e.key === 'ArrowRight') resize(width + 20)
          else return
          e.preventDefault()
        }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId)
          drag.current = { x: e.clientX, width }
        }}
        onPointerMove={(e) => {
          if (drag.current) resize(drag.current.width + e.clientX - drag.current.x)
        }}
        onPointerUp={() => (drag.current = null)}
      />
    </aside>
  )
}
