import { useEffect, useId, useState } from 'react'
import type { BrokerPrefs, BrokerSysView } from '../../../shared/broker-types'
import type { Api } from '../../../shared/contract'
import type { AppInfo, ProfileView } from '../../../shared/types'
import type { SeriesStore } from '../charts/series-store'
import { errorMessage } from '../util/id'
import { QueueTable } from './QueueTable'
import { SysView } from './SysView'
import './broker.css'

interface Props {
  api: Api
  store: SeriesStore
  /** The selected saved profile: the broker this view is about. */
  profile: ProfileView | undefined
  info: AppInfo | null
}

/** The view renews its $SYS watch this often; the core drops a watch not renewed in 45 s. */
const RENEW_MS = 15_000
const OPEN_KEY = 'broker-view-open'

/**
 * The broker's side, below the charts and closed by default: while open it watches `$SYS/#`
 * on the selected connection (the core unsubscribes when it closes, unless pinned).
 */
export function BrokerSection({ api, store, profile, info }: Props): React.JSX.Element {
  const id = useId()
  const [open, setOpen] = useState(() => localStorage.getItem(OPEN_KEY) === 'true')
  const toggle = (): void => {
    localStorage.setItem(OPEN_KEY, String(!open))
    setOpen(!open)
  }
  return (
    <section className="broker-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
        <button type="button" aria-expanded={open} aria-controls={`${id}-body`} onClick={toggle}>
          Broker view
        </button>
      </h2>
      {open && (
        <div id={`${id}-body`}>
          {profile && info ? (
            <BrokerBody key={profile.id} api={api} store={store} profile={profile} info={info} />
          ) : (
            <p className="hint">Choose a saved connection profile to see its broker.</p>
          )}
        </div>
      )}
    </section>
  )
}

function BrokerBody({
  api,
  store,
  profile,
  info
}: Props & { profile: ProfileView; info: AppInfo }): React.JSX.Element {
  const [view, setView] = useState<BrokerSysView | null>(null)
  const [prefs, setPrefs] = useState<BrokerPrefs | null>(null)
  const [error, setError] = useState('')
  const profileId = profile.id

  useEffect(() => {
    let alive = true
    const renew = (): void => {
      api.invoke('broker:watch', { profileId, watching: true }).then(
        (answer) => {
          if (!alive) return
          setView(answer.view)
          setPrefs((old) => old ?? answer.prefs)
          setError('')
        },
        (e: unknown) => alive && setError(errorMessage(e))
      )
    }
    renew()
    const timer = setInterval(renew, RENEW_MS)
    const off = api.on('broker:sys', (v) => {
      if (alive && v.profileId === profileId) setView(v)
    })
    return () => {
      alive = false
      clearInterval(timer)
      off()
      api.invoke('broker:watch', { profileId, watching: false }).catch(() => undefined)
    }
  }, [api, profileId])

  const pin = (pinned: boolean): void => {
    api.invoke('broker:watch', { profileId, watching: true, pinned }).then(
      (answer) => setView(answer.view),
      (e: unknown) => setError(errorMessage(e))
    )
  }

  return (
    <div className="broker-body">
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {view && <SysView view={view} store={store} readOnly={info.readOnly} onPin={pin} />}
      {prefs && <QueueTable api={api} profileId={profileId} prefs={prefs} info={info} />}
    </div>
  )
}
