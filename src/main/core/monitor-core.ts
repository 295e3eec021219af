import * as path from 'node:path'
import {
  AppError,
  type EventChannel,
  type EventPayload,
  type InvokeChannel,
  type ParsedReq,
  type Res
} from '../../shared/contract'
import { demoProfile, DEMO_PROFILE_ID } from '../../shared/defaults'
import type { ConnectionStatus, Notice, UpdateStatus } from '../../shared/types'
import { setupBroker, type BrokerFeature } from './broker'
import { CaptureStore } from './capture/capture-store'
import { clientIdWarning } from './connection/client-id-check'
import { Connection } from './connection/connection'
import type { ExportTargetResolver } from './export-jobs'
import { ExportService } from './export/export-service'
import { SparkplugState } from './decode'
import { checkProtoFile } from './decode/proto-schema'
import { decodingFor, Ingest, topicMatches } from './ingest'
import { decoderSchema } from '../../shared/schemas'
import { startDemoBroker, type DemoBroker } from './demo/demo-broker'
import { startSimulatedSensors, type SimulatedSensors } from './demo/simulated-sensor'
import type { SettingsBackend } from './settings/settings-backend'
import { SettingsService } from './settings/settings-service'
import type { SecretStore } from './settings/secret-store'
import { setupTopics, type TopicsFeature } from './topics'
import { setupStore, type StoreFeature } from './store'
import type { StoreDeps } from './store/store-service'

const MAX_STARTUP_NOTICES = 20

export type Handlers = { [C in InvokeChannel]: (req: ParsedReq<C>) => Promise<Res<C>> }
type Listener<E extends EventChannel> = (payload: EventPayload<E>) => void

export interface CoreOptions {
  mode: 'desktop' | 'serve'
  version: string
  dataDir: string
  settingsBackend: SettingsBackend
  secrets: SecretStore
  /** Start the embedded broker and simulated sensors, and connect to them. */
  demo: boolean
  readOnly?: boolean
  /** Where an export goes: a save dialog on the desktop, a download in serve mode. */
  exportTarget: ExportTargetResolver
  pickFile?: (purpose: ParsedReq<'dialog:pick-file'>['purpose']) => Promise<string | null>
  /** The desktop's update check (electron-updater); absent in serve mode. */
  updates?: { status(): UpdateStatus; install(): UpdateStatus }
  capture?: { retentionBytes?: number; partBytes?: number; ringPoints?: number }
  /** How long a broker view's $SYS watch lasts without renewal (default 45 s). */
  broker?: { leaseMs?: number }
  /** The database store: a capture worker's overrides, and tests' tuning. */
  store?: Pick<StoreDeps, 'overrides' | 'tuning' | 'env'>
}

/**
 * The whole app without a window: settings, connections, capture and export, answering the
 * IPC contract. The Electron and WebSocket bindings only carry requests and events to it.
 */
export class MonitorCore {
  readonly handlers: Handlers
  private readonly listeners = new Map<EventChannel, Set<Listener<EventChannel>>>()
  private readonly connections = new Map<string, { connection: Connection; ingest: Ingest }>()
  private readonly startupNotices: Notice[] = []
  private settings!: SettingsService
  private store!: CaptureStore
  private exports!: ExportService
  private demo: { broker: DemoBroker; sensors: SimulatedSensors } | null = null
  private closing = false
  private readonly broker: BrokerFeature
  private readonly topics: TopicsFeature
  private readonly database: StoreFeature

  private constructor(private readonly options: CoreOptions) {
    this.broker = setupBroker({
      mode: options.mode,
      readOnly: options.readOnly ?? false,
      dataDir: options.dataDir,
      store: () => this.store,
      connection: (id) => this.connections.get(id)?.connection,
      profile: (id) => this.settings.profile(id),
      emit: (view) => this.emit('broker:sys', view),
      ...options.broker
    })
    this.topics = setupTopics({
      connection: (id) => this.connections.get(id)?.connection,
      profile: (id) => this.settings.profile(id),
      explorerSettings: () => this.settings.current.explorer,
      saveExplorer: (change) => this.settings.saveExplorer(change),
      emit: (delta) => this.emit('topics:delta', delta),
      sparkplug: (id) => this.sparkplugState(id),
      // Undefined until create() opened it (nothing asks for history before then).
      capture: () => this.store
    })
    this.database = setupStore({
      dataDir: options.dataDir,
      capture: () => this.store,
      settings: () => this.settings,
      exportTarget: options.exportTarget,
      notify: (notice) => this.notify(notice),
      emitStatus: (status) => this.emit('store:status', status),
      emitProgress: (progress) => this.emit('export:progress', progress),
      ...options.store
    })
    this.handlers = this.createHandlers()
  }

  static async create(options: CoreOptions): Promise<MonitorCore> {
    const core = new MonitorCore(options)
    // What start-up finds (a damaged settings file, a journal repaired) happens before any
    // window or browser listens: kept, and handed to each that asks (app:info).
    let starting = true
    const early = (notice: Notice): void => {
      if (core.startupNotices.length < MAX_STARTUP_NOTICES) core.startupNotices.push(notice)
      core.emit('app:notice', notice)
    }
    core.settings = new SettingsService(options.settingsBackend, options.secrets, early)
    core.store = await CaptureStore.open({
      dir: path.join(options.dataDir, 'captures'),
      notice: (n) => (starting ? early(n) : core.notify(n)),
      retentionBytes: core.settings.current.capture.retentionMB * 1024 * 1024,
      ...options.capture
    })
    core.store.batcher.subscribe((batch) => core.emit('capture:batch', batch))
    core.exports = new ExportService(core.store, options.exportTarget, (p) =>
      core.emit('export:progress', p)
    )
    starting = false
    core.database.start()
    if (options.demo) await core.startDemo()
    for (const id of core.settings.current.autoConnect) {
      // The demo's port changes every run: only reconnect to it when it is running now.
      if (id === DEMO_PROFILE_ID && !core.demo) continue
      if (core.settings.current.profiles.some((p) => p.id === id)) core.open(id)
    }
    return core
  }

  get dataDir(): string {
    return this.options.dataDir
  }

  on<E extends EventChannel>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as Listener<EventChannel>)
    return () => set.delete(listener as Listener<EventChannel>)
  }

  /** What a connection knows about its Sparkplug B nodes and devices (for the topic tree). */
  sparkplugState(profileId: string): SparkplugState | undefined {
    return this.connections.get(profileId)?.ingest.sparkplug
  }

  notify(notice: Notice): void {
    this.emit('app:notice', notice)
  }

  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    this.broker.close()
    this.topics.close()
    await Promise.all([...this.connections.values()].map(({ connection }) => connection.close()))
    this.connections.clear()
    await this.store.close()
    // After the journal's last flush: the database gets everything captured.
    await this.database.close()
    if (this.demo) {
      await this.demo.sensors.stop()
      await this.demo.broker.close()
    }
  }

  private emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        listener(payload)
      } catch (error) {
        console.error(`listener for ${event} failed`, error)
      }
    }
  }

  private async startDemo(): Promise<void> {
    try {
      const broker = await startDemoBroker()
      const sensors = await startSimulatedSensors(broker.port)
      this.demo = { broker, sensors }
      this.settings.upsertOwned(demoProfile(broker.port))
      if (!this.settings.current.autoConnect.includes(DEMO_PROFILE_ID)) this.open(DEMO_PROFILE_ID)
    } catch (error) {
      this.startupNotices.push({
        level: 'error',
        message: `The demo broker could not start: ${(error as Error).message}`
      })
    }
  }

  private open(profileId: string): Connection {
    const profile = this.settings.profile(profileId)
    const existing = this.connections.get(profileId)
    if (existing) void existing.connection.close()
    const secrets = this.settings.secrets
    const ingest = new Ingest(profile, this.store, {
      publish: (topic, payload) => connection.publishNow(topic, payload)
    })
    const connection = new Connection(
      profile,
      {
        password: secrets.get(profileId, 'password'),
        passphrase: secrets.get(profileId, 'passphrase')
      },
      {
        status: (status) => this.emit('connection:status', status),
        message: (topic, payload, packet) => {
          // The tree first: its node tells ingest the topic without a lookup by name. One
          // receive time for both.
          const at = Date.now()
          const nodeId = this.topics.record(profile, topic, packet?.retain ?? false, at)
          const fields = this.broker.message(profile, topic, payload)
            ? undefined
            : ingest.handle(topic, payload, nodeId, at)
          this.topics.keep(nodeId, topic, payload, packet, fields)
        },
        warning: (message) =>
          this.notify({ level: 'warning', message: `${profile.name}: ${message}` })
      },
      { sessionDir: path.join(this.options.dataDir, 'sessions') }
    )
    this.connections.set(profileId, { connection, ingest })
    if (!existing) this.store.startCapture()
    this.broker.connectionOpened(profileId)
    this.topics.connectionOpened(profile)
    connection.open()
    this.rememberConnected()
    return connection
  }

  private rememberConnected(): void {
    if (this.closing) return
    const ids = [...this.connections.keys()]
    const current = this.settings.current.autoConnect
    if (ids.length !== current.length || ids.some((id) => !current.includes(id)))
      this.settings.setAutoConnect(ids)
  }

  private createHandlers(): Handlers {
    return {
      'app:info': async () => ({
        mode: this.options.mode,
        version: this.options.version,
        readOnly: this.options.readOnly ?? false,
        demoProfileId: this.demo ? DEMO_PROFILE_ID : null,
        dataDir: this.options.dataDir,
        filePicker: this.options.pickFile ? 'dialog' : 'path',
        secretStorage: this.settings.secrets.description,
        sessionOnlySecrets: this.settings.secrets.sessionOnly === true,
        notices: this.startupNotices.slice()
      }),
      'settings:get': async () => this.settings.view(),
      'settings:save-profile': async (req) => {
        const view = this.settings.saveProfile(req)
        // Decoding rules apply at once to a connected profile; the rest at its next connect.
        const live = this.connections.get(req.profile.id)
        live?.ingest.useProfile(this.settings.profile(req.profile.id))
        return view
      },
      'settings:delete-profile': async ({ profileId }) => {
        await this.closeConnection(profileId)
        return this.settings.deleteProfile(profileId)
      },
      'settings:select-profile': async ({ profileId }) => this.settings.selectProfile(profileId),
      'settings:save-ui': async (ui) => this.settings.saveUi(ui),
      'connection:open': async ({ profileId }) => this.open(profileId).status,
      'connection:close': async ({ profileId }) => this.closeConnection(profileId),
      'connection:list': async () =>
        [...this.connections.values()].map(({ connection }) => connection.status),
      'connection:check': async ({ profileId }) => ({
        warning: clientIdWarning(
          this.settings.profile(profileId),
          [...this.connections.values()].map(({ connection: c }) => ({
            profile: c.profile,
            status: c.status
          }))
        )
      }),
      'capture:snapshot': async (req) =>
        this.store.snapshot(req?.fromMs, req?.toMs, req?.maxPointsPerSeries, req?.seriesIds),
      'capture:list': async () => this.store.list(),
      'capture:summaries': async () => this.store.summaries(),
      'capture:new': async () => {
        this.store.startCapture()
        return this.store.list()
      },
      'capture:delete': async ({ captureId }) => {
        this.store.delete(captureId)
        return this.store.list()
      },
      'capture:redecode': async ({ captureId }) => {
        const outcome = await this.store.redecode(captureId, this.decodingNow(), (fraction) =>
          this.emit('capture:progress', { captureId, fraction })
        )
        // The series and their ids changed: every topic's entry is new, every window reloads.
        for (const { ingest } of this.connections.values()) ingest.clearRoutes()
        this.emit('capture:reset', { reason: 'A capture was decoded again.' })
        return { captureId, ...outcome }
      },
      'capture:set-retention': async ({ retentionMB }) => {
        this.settings.saveCapture({ retentionMB })
        this.store.setRetention(retentionMB * 1024 * 1024)
        return this.store.list()
      },
      'export:start': async (req) => this.exports.start(req),
      'export:cancel': async ({ exportId }) =>
        this.exports.cancel(exportId) || this.database.cancelExport(exportId),
      'dialog:pick-file': async ({ purpose }) => {
        if (!this.options.pickFile) {
          throw new AppError(
            'unsupported',
            'In the browser, type the path of the file on the machine running the server.'
          )
        }
        return { path: await this.options.pickFile(purpose) }
      },
      'decoder:check-proto': async ({ file }) => checkProtoFile(file),
      'update:status': async () =>
        this.options.updates?.status() ?? {
          state: 'unsupported',
          message: 'Updates are checked by the desktop app only.'
        },
      'update:install': async () => {
        if (!this.options.updates)
          throw new AppError('unsupported', 'Updates are installed by the desktop app only.')
        return this.options.updates.install()
      },
      ...this.broker.handlers,
      ...this.topics.handlers,
      ...this.database.handlers
    }
  }

  /**
   * The rule a topic of a connection (a profile, by name) decodes with now, for re-decoding a
   * capture: Sparkplug messages are read in order against one state per connection for the
   * run (their births name the aliases of the data after them), which never publishes.
   */
  private decodingNow() {
    const sparkplug = new Map<string, SparkplugState>()
    return (connection: string, topic: string) => {
      const profile = this.settings.current.profiles.find((p) => p.name === connection)
      if (!profile) return null
      // `$` topics (the broker view's figures) are no profile's data unless a filter names them.
      if (topic.startsWith('$') && !profile.topics.some((t) => topicMatches(t.filter, topic)))
        return null
      let state = sparkplug.get(connection)
      if (!state) sparkplug.set(connection, (state = new SparkplugState()))
      return decodingFor(
        profile,
        topic,
        { filter: '#', qos: 0, decoder: decoderSchema.parse({}) },
        { sparkplug: state }
      )
    }
  }

  private async closeConnection(profileId: string): Promise<ConnectionStatus> {
    const entry = this.connections.get(profileId)
    this.connections.delete(profileId)
    this.rememberConnected()
    if (!entry) {
      const profile = this.settings.profile(profileId)
      return { profileId, name: profile.name, state: 'disconnected', since: Date.now() }
    }
    await entry.connection.close()
    return entry.connection.status
  }
}
