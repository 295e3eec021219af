import { useCallback, useEffect, useRef, useState } from 'react'
import type { Api } from '../../shared/contract'
import { statsOfRows } from '../../shared/batch-columns'
import type { AppInfo, ConnectionStatus, ProfileView, SettingsView } from '../../shared/types'
import { Dashboard } from './charts/Dashboard'
import type { SeriesStore } from './charts/series-store'
import { BrokerSection } from './broker/BrokerSection'
import { CapturesPanel } from './captures/CapturesPanel'
import { ConnectionBar } from './connection/ConnectionBar'
import { ExportButton } from './export/ExportButton'
import { ChartPicks } from './explorer/chart-picks'
import { ExplorerPanel } from './explorer/ExplorerPanel'
import { NoticeList } from './notices/NoticeList'
import { addNotice, type ShownNotice } from './notices/notice-list'
import { DesktopOptions } from './app/DesktopOptions'
import { useAppCommands } from './app/useAppCommands'
import { useSecretConsent } from './security/SecretConsent'
import { SettingsPanel } from './settings/SettingsPanel'
import { filePickerFor } from './settings/file-picker'
import { HistoryView } from './store/HistoryView'
import { StorePanel } from './store/StorePanel'
import { TopicStats } from './stats/TopicStats'
import type { TopicStatsStore } from './stats/topic-stats'
import { errorMessage } from './util/id'

interface Props {
  api: Api
  store: SeriesStore
  stats: TopicStatsStore
  onReconnect: (listener: () => void) => () => void
  token: string | null
}

/** A copy with `list` merged in; per profile the newer status wins (a reply can race a push). */
function withStatuses(
  prev: ReadonlyMap<string, ConnectionStatus>,
  list: readonly ConnectionStatus[]
): Map<string, ConnectionStatus> {
  const next = new Map(prev)
  for (const s of list) {
    const old = next.get(s.profileId)
    if (!old || old.since <= s.since) next.set(s.profileId, s)
  }
  return next
}

/** Start-up order: app info, settings and connections, then the captured history. */
async function fetchState(api: Api) {
  const [appInfo, view, list] = await Promise.all([
    api.invoke('app:info'),
    api.invoke('settings:get'),
    api.invoke('connection:list')
  ])
  const snapshot = await api.invoke('capture:snapshot', {})
  return { appInfo, view, list, snapshot }
}

export function App({ api, store, stats, onReconnect, token }: Props): React.JSX.Element {
  const [info, setInfo] = useState<AppInfo | null>(null)
  const [settings, setSettings] = useState<SettingsView | null>(null)
  const [selectedId, setSelectedId] = useState('')
  const [draft, setDraft] = useState<ProfileView | null>(null)
  const [statuses, setStatuses] = useState<Map<string, ConnectionStatus>>(() => new Map())
  const [notices, setNotices] = useState<ShownNotice[]>([])
  const [loadError, setLoadError] = useState('')
  const [actionError, setActionError] = useState('')
  const ready = useRef(false)
  const noticeId = useRef(0)
  const loadSeq = useRef(0)
  /** Start-up notices already shown: a reconnect fetches them again. */
  const shownStartup = useRef(new Set<string>())
  const addStatus = useCallback(
    (s: ConnectionStatus) => setStatuses((prev) => withStatuses(prev, [s])),
    []
  )

  const load = useCallback(() => {
    const seq = ++loadSeq.current
    // Batches before the snapshot reply are part of the snapshot: the channel is ordered.
    ready.current = false
    fetchState(api).then(
      ({ appInfo, view, list, snapshot }) => {
        if (seq !== loadSeq.current) return
        setInfo(appInfo)
        const fresh = appInfo.notices.filter((n) => !shownStartup.current.has(n.message))
        for (const n of fresh) shownStartup.current.add(n.message)
        if (fresh.length > 0)
          setNotices((list) => fresh.reduce((l, n) => addNotice(l, n, ++noticeId.current), list))
        setSettings(view)
        setSelectedId((prev) =>
          view.profiles.some((p) => p.id === prev)
            ? prev
            : view.selectedProfileId || view.profiles[0]?.id || appInfo.demoProfileId || ''
        )
        setStatuses((prev) => withStatuses(prev, list))
        store.loadSnapshot(snapshot)
        stats.load(snapshot.topics)
        ready.current = true
        setLoadError('')
      },
      (e: unknown) => {
        if (seq === loadSeq.current) setLoadError(errorMessage(e))
      }
    )
  }, [api, store, stats])

  useEffect(() => {
    const offs = [
      api.on('capture:batch', (batch) => {
        if (!ready.current) return
        store.applyBatch(batch)
        stats.update(statsOfRows(batch.topics))
      }),
      api.on('connection:status', addStatus),
      api.on('app:notice', (notice) =>
        setNotices((list) => addNotice(list, notice, ++noticeId.current))
      ),
      onReconnect(load),
      // A capture was decoded again: the history under the charts changed.
      api.on('capture:reset', () => load())
    ]
    load()
    const seq = loadSeq
    return () => {
      seq.current++
      for (const off of offs) off()
    }
  }, [api, store, stats, load, onReconnect, addStatus])

  useEffect(() => {
    const theme = settings?.ui.theme
    if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme
    else delete document.documentElement.dataset.theme
  }, [settings?.ui.theme])

  const select = (profileId: string, view: SettingsView | null = settings): void => {
    setSelectedId(profileId)
    if (!info?.readOnly && view?.profiles.some((p) => p.id === profileId)) {
      api
        .invoke('settings:select-profile', { profileId })
        .then(setSettings)
        .catch((e: unknown) => setActionError(errorMessage(e)))
    }
  }

  const saved = (view: SettingsView, profileId: string): void => {
    setSettings(view)
    setActionError('')
    select(profileId, view)
  }

  const readOnly = info?.readOnly ?? false
  const savedProfile = settings?.profiles.find((p) => p.id === selectedId)
  const current = draft && draft.id === selectedId ? draft : savedProfile
  // Desktop: menu commands and shortcuts; where secrets cannot be encrypted, ask before keeping one.
  const sidebarRef = useRef<HTMLElement>(null)
  useAppCommands(api, {
    profileId: savedProfile?.id,
    readOnly,
    settings: sidebarRef,
    onStatus: addStatus,
    onError: setActionError
  })
  const consent = useSecretConsent(api, info?.sessionOnlySecrets ?? false)
  // "Chart" in the topic explorer reaches the dashboard's layout through this.
  const [picks] = useState(() => new ChartPicks())
  const connected = (settings?.profiles ?? [])
    .filter((p) => statuses.get(p.id)?.state === 'connected')
    .map((p) => ({
      profileId: p.id,
      name: p.name,
      protocolVersion: p.protocolVersion,
      connected: true
    }))

  return (
    <div className="app">
      <header className="app-header">
        <h1>MQTT Live Monitor</h1>
        {readOnly && <span className="badge">Read-only</span>}
        <ConnectionBar
          key={savedProfile?.id ?? ''}
          api={api}
          profile={savedProfile}
          statuses={statuses}
          readOnly={readOnly}
          onStatus={addStatus}
        />
      </header>
      <NoticeList
        notices={notices}
        onDismiss={(id) => setNotices((list) => list.filter((n) => n.id !== id))}
      />
      {loadError && (
        <div className="banner error-text" role="alert">
          Could not load the app state: {loadError}{' '}
          <button type="button" onClick={load}>
            Retry
          </button>
        </div>
      )}
      {actionError && (
        <p className="banner error-text" role="alert">
          {actionError}
        </p>
      )}
      <div className="app-body">
        <aside className="sidebar" ref={sidebarRef}>
          {consent.dialog}
          {settings && (
            <SettingsPanel
              api={consent.api}
              settings={settings}
              current={current}
              draft={draft}
              readOnly={readOnly}
              onSelect={(profileId) => select(profileId)}
              onDraft={(d) => {
                setDraft(d)
                if (d) setSelectedId(d.id)
              }}
              onSaved={saved}
              filePicker={info?.filePicker}
            />
          )}
          {settings && info?.mode === 'desktop' && (
            <DesktopOptions
              api={api}
              settings={settings}
              readOnly={readOnly}
              onSaved={setSettings}
            />
          )}
          {settings && (
            <CapturesPanel
              api={api}
              readOnly={readOnly}
              retentionMB={settings.capture.retentionMB}
            />
          )}
          {settings && (
            <StorePanel
              api={consent.api}
              readOnly={readOnly}
              pickFile={filePickerFor(api, info?.filePicker)}
            />
          )}
        </aside>
        <main className="content">
          <div className="toolbar">
            <h2>Live charts</h2>
            <ExportButton api={api} readOnly={readOnly} token={token} />
          </div>
          <div className="workspace">
            <ExplorerPanel
              api={api}
              onReconnect={onReconnect}
              readOnly={readOnly}
              settings={settings?.explorer}
              connections={connected}
              picks={picks}
              store={store}
            />
            <div className="workspace-main">
              <Dashboard
                store={store}
                api={api}
                savedLayout={settings?.ui.layout}
                layoutLoaded={settings !== null}
                readOnly={readOnly}
                picks={picks}
              />
              <TopicStats stats={stats} />
              <HistoryView api={api} store={store} readOnly={readOnly} token={token} />
              <BrokerSection api={api} store={store} profile={savedProfile} info={info} />
            </div>
          </div>
        </main>
      </div>
    </div>
  )
}
