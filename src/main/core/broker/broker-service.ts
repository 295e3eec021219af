import type { BrokerPrefs, BrokerSysView, QshapeOptions } from '../../../shared/broker-types'
import { AppError } from '../../../shared/contract'
import type { Profile } from '../../../shared/schemas'
import type { CaptureStore } from '../capture/capture-store'
import type { TopicEntry } from '../capture/series-registry'
import type { Connection } from '../connection/connection'
import { rowText, type DecodedRow } from '../decode/types'
import { topicMatches } from '../ingest'
import { BrokerLog } from './broker-log'
import { BrokerPrefsFile } from './broker-prefs'
import { PersistenceFileError, readPersistenceFile } from './persistence-file'
import { qshapeResult } from './qshape'
import {
  FIGURE_FIELDS,
  FIGURE_UNITS,
  LOG_PREFIX,
  SYS_SERIES_TOPIC,
  SysFigures
} from './sys-figures'

export const SYS_FILTER = '$SYS/#'
/** A view renews its watch more often than this; one that went away stops it. */
export const LEASE_MS = 45_000
/** How long to wait for a first figure before saying the broker sends none. */
export const SILENT_MS = 5_000
const EMIT_MS = 250
const MAX_TEXT = 4096

export interface BrokerDeps {
  readOnly: boolean
  dataDir: string
  store: () => CaptureStore
  connection: (profileId: string) => Connection | undefined
  profile: (profileId: string) => Profile
  emit: (view: BrokerSysView) => void
  leaseMs?: number
}

class Watch {
  figures = new SysFigures()
  readonly log = new BrokerLog()
  watching = false
  pinned = false
  status: BrokerSysView['status'] = 'idle'
  message: string | null = null
  entry: TopicEntry | null = null
  lease: ReturnType<typeof setTimeout> | undefined
  silent: ReturnType<typeof setTimeout> | undefined
  emitTimer: ReturnType<typeof setTimeout> | undefined
  /** The profile subscribes to `$SYS/#` itself: never unsubscribe it from under it. */
  ownFilter = false
  readonly row: DecodedRow = {
    t: 0,
    fields: FIGURE_FIELDS,
    values: new Array<number>(FIGURE_FIELDS.length).fill(NaN),
    text: new Uint8Array(0),
    textStart: 0,
    textEnd: 0
  }

  constructor(
    readonly profileId: string,
    public connection: string
  ) {}
}

const decoder = new TextDecoder()

/**
 * The broker view of each connection: subscribes to `$SYS/#` while a view holds a lease (or
 * the user pinned it), turns the figures into captured series on `$SYS/broker`, and keeps
 * what the broker's log says per client. Also reads persistence files for the queue table.
 */
export class BrokerService {
  private readonly watches = new Map<string, Watch>()
  readonly prefs: BrokerPrefsFile

  constructor(private readonly deps: BrokerDeps) {
    this.prefs = new BrokerPrefsFile(deps.dataDir, !deps.readOnly)
  }

  /**
   * One message of a connection. Returns true when it is the broker view's alone: a `$SYS`
   * message none of the profile's filters asked for came through the view's subscription.
   */
  message(profile: Profile, topic: string, payload: Uint8Array): boolean {
    if (!topic.startsWith('$SYS/')) return false
    const watch = this.watches.get(profile.id)
    if (watch?.watching) this.take(watch, topic, payload)
    return !profile.topics.some((t) => topicMatches(t.filter, topic))
  }

  /** A connection (re)opened: a watching view subscribes on it, a pinned one starts. */
  connectionOpened(profileId: string): void {
    const watch = this.watches.get(profileId)
    if (watch?.watching) this.subscribe(watch)
    else if (this.prefs.get(profileId).pinned) this.start(profileId, true)
  }

  watch(profileId: string, watching: boolean, pinned?: boolean): BrokerSysView {
    const profile = this.deps.profile(profileId)
    if (pinned !== undefined) {
      if (this.deps.readOnly)
        throw new AppError(
          'read-only',
          'This dashboard is read-only: the broker view cannot be pinned here.'
        )
      this.prefs.update(profileId, { pinned })
    }
    const watch = this.watchFor(profileId, profile.name)
    if (pinned !== undefined) watch.pinned = pinned
    if (watching) this.start(profileId, watch.pinned)
    else if (!watch.pinned) this.stop(watch)
    return this.view(watch)
  }

  getPrefs(profileId: string): BrokerPrefs {
    const { file, process, options } = this.prefs.get(profileId)
    return { file, process, options }
  }

  rememberProcess(profileId: string | undefined, target: string): void {
    if (profileId && !this.deps.readOnly) this.prefs.update(profileId, { process: target })
  }

  async qshape(profileId: string | undefined, file: string, options: QshapeOptions) {
    let read
    try {
      read = await readPersistenceFile(file)
    } catch (error) {
      if (error instanceof PersistenceFileError) throw new AppError('not-found', error.message)
      throw error
    }
    const log = profileId ? this.watches.get(profileId)?.log : undefined
    const result = qshapeResult(read, options, {
      now: Date.now(),
      loggedState: log?.seen ? (id) => log.state(id) : undefined
    })
    if (log?.seen && result.table.groupBy === 'subscriber')
      result.notes.push(
        'States of clients the broker logged while the broker view was open come from its log.'
      )
    if (profileId && !this.deps.readOnly) this.prefs.update(profileId, { file, options })
    return result
  }

  close(): void {
    for (const watch of this.watches.values()) {
      clearTimeout(watch.lease)
      clearTimeout(watch.silent)
      clearTimeout(watch.emitTimer)
    }
    this.watches.clear()
  }

  private watchFor(profileId: string, name: string): Watch {
    let watch = this.watches.get(profileId)
    if (!watch) this.watches.set(profileId, (watch = new Watch(profileId, name)))
    return watch
  }

  private start(profileId: string, pinned: boolean): void {
    const profile = this.deps.profile(profileId)
    const watch = this.watchFor(profileId, profile.name)
    watch.pinned = pinned
    clearTimeout(watch.lease)
    if (!pinned)
      watch.lease = setTimeout(() => this.leaseEnded(watch), this.deps.leaseMs ?? LEASE_MS)
    watch.lease?.unref?.()
    if (watch.watching) return
    watch.watching = true
    watch.connection = profile.name
    watch.figures = new SysFigures()
    watch.entry = null
    watch.ownFilter = profile.topics.some((t) => t.filter === SYS_FILTER)
    this.subscribe(watch)
  }

  private leaseEnded(watch: Watch): void {
    if (!watch.pinned) this.stop(watch)
  }

  private stop(watch: Watch): void {
    clearTimeout(watch.lease)
    clearTimeout(watch.silent)
    if (!watch.watching) return
    watch.watching = false
    if (!watch.ownFilter) this.deps.connection(watch.profileId)?.removeFilter(SYS_FILTER)
    this.setStatus(watch, 'idle', null)
  }

  private subscribe(watch: Watch): void {
    clearTimeout(watch.silent)
    const connection = this.deps.connection(watch.profileId)
    if (!connection) {
      this.setStatus(
        watch,
        'waiting',
        'Not connected: the figures start when the connection is open.'
      )
      return
    }
    this.setStatus(watch, watch.figures.seen ? 'receiving' : 'waiting', null)
    const granted = (ok: boolean): void => {
      if (!watch.watching) return
      if (!ok) {
        this.setStatus(
          watch,
          'silent',
          'The broker refused the subscription to $SYS/# (an access rule?): it shows no figures to this client.'
        )
        return
      }
      clearTimeout(watch.silent)
      watch.silent = setTimeout(() => {
        if (watch.watching && !watch.figures.seen)
          this.setStatus(
            watch,
            'silent',
            `The broker sent no $SYS figures within ${SILENT_MS / 1000} seconds of subscribing: it may not publish them (Mosquitto with sys_interval 0), or an access rule hides $SYS from this client.`
          )
      }, SILENT_MS)
      watch.silent.unref?.()
    }
    if (watch.ownFilter) granted(true)
    else connection.addFilter(SYS_FILTER, granted)
  }

  private take(watch: Watch, topic: string, payload: Uint8Array): void {
    const text = decoder.decode(payload.subarray(0, MAX_TEXT))
    const now = Date.now()
    if (topic.startsWith(LOG_PREFIX)) {
      watch.log.take(text, now)
      this.scheduleEmit(watch)
      return
    }
    const tick = watch.figures.take(topic, text)
    if (watch.figures.seen && watch.status !== 'receiving') {
      clearTimeout(watch.silent)
      watch.status = 'receiving'
      watch.message = null
    }
    if (tick) this.record(watch, now)
    this.scheduleEmit(watch)
  }

  /** One row per broker update: every figure a series, captured and exportable like any. */
  private record(watch: Watch, now: number): void {
    const values = watch.figures.values
    if (!values.some((v) => !Number.isNaN(v))) return
    const store = this.deps.store()
    watch.entry ??= store.topicFor(
      watch.connection,
      SYS_SERIES_TOPIC,
      (field) => FIGURE_UNITS.get(field) ?? ''
    )
    const row = watch.row
    row.t = now
    for (let i = 0; i < values.length; i++) row.values[i] = values[i]
    rowText(row, row.values)
    // No MQTT payload of its own: its values text stands for one (kept once, as text).
    store.append(watch.entry, row, row.text)
    store.countMessage(watch.entry, '$SYS')
  }

  private setStatus(watch: Watch, status: BrokerSysView['status'], message: string | null): void {
    watch.status = status
    watch.message = message
    this.scheduleEmit(watch)
  }

  private scheduleEmit(watch: Watch): void {
    if (watch.emitTimer) return
    watch.emitTimer = setTimeout(() => {
      watch.emitTimer = undefined
      this.deps.emit(this.view(watch))
    }, EMIT_MS)
    watch.emitTimer.unref?.()
  }

  view(watch: Watch): BrokerSysView {
    return {
      profileId: watch.profileId,
      connection: watch.connection,
      watching: watch.watching,
      pinned: watch.pinned,
      status: watch.status,
      message: watch.message,
      version: watch.figures.version,
      uptimeSeconds: watch.figures.uptime,
      topic: SYS_SERIES_TOPIC,
      figures: watch.figures.figures(),
      droppedTotal: watch.figures.droppedTotal,
      drops: watch.log.dropEvents(),
      logSeen: watch.log.seen,
      updatedAt: Date.now()
    }
  }
}
