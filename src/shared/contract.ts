// The IPC contract: every channel, its request schema and its response/event type.
// The Electron binding, the preload, the WebSocket binding and the renderer's client all
// derive from these two objects; no channel string is written anywhere else.
import { z } from 'zod'
import {
  qshapeOptionsSchema,
  type BrokerPrefs,
  type BrokerProcess,
  type BrokerSysView,
  type QshapeResult
} from './broker-types'
import { exportRequestSchema, profileInputSchema } from './schemas'
import {
  explorerSettingsInputSchema,
  publishRequestSchema,
  type ExplorerSettings,
  type PayloadPage,
  type PublishResult,
  type TopicDelta,
  type TopicHistory,
  type TopicPreview
} from './topic-types'
import {
  historyRequestSchema,
  storeExportSchema,
  storeSaveSchema,
  type HistoryResult,
  type StoreSeries,
  type StoreStatus,
  type StoreTestResult,
  type StoreView
} from './store-types'
import type {
  AppCommand,
  AppInfo,
  CaptureBatch,
  CaptureInfo,
  CaptureSummary,
  CaptureProgress,
  ConnectCheck,
  ConnectionStatus,
  ExportProgress,
  ExportResult,
  HistorySnapshot,
  Notice,
  PickFileResult,
  ProtoCheck,
  RedecodeResult,
  SettingsView,
  UpdateStatus
} from './types'

/** A phantom marker carrying a response or event type; never read at run time. */
const type = <T>(): T => undefined as T

const none = z.undefined().optional()
const byProfile = z.object({ profileId: z.string().min(1).max(100) })

export const invokeContract = {
  'app:info': { req: none, res: type<AppInfo>() },
  'settings:get': { req: none, res: type<SettingsView>() },
  'settings:save-profile': { req: profileInputSchema, res: type<SettingsView>() },
  'settings:delete-profile': { req: byProfile, res: type<SettingsView>() },
  'settings:select-profile': { req: byProfile, res: type<SettingsView>() },
  'settings:save-ui': {
    req: z.object({
      theme: z.enum(['system', 'light', 'dark']).optional(),
      // Optional: zod 4 makes a bare z.unknown() key required. A key left out is kept as stored.
      layout: z.unknown().optional(),
      notifyOnDrop: z.boolean().optional(),
      checkForUpdates: z.boolean().optional()
    }),
    res: type<SettingsView>()
  },
  'connection:open': { req: byProfile, res: type<ConnectionStatus>() },
  'connection:close': { req: byProfile, res: type<ConnectionStatus>() },
  'connection:list': { req: none, res: type<ConnectionStatus[]>() },
  // Asked before Connect: a warning to confirm first, e.g. a client ID already in use.
  'connection:check': { req: byProfile, res: type<ConnectCheck>() },
  'capture:snapshot': {
    req: z
      .object({
        fromMs: z.number().finite().optional(),
        toMs: z.number().finite().optional(),
        maxPointsPerSeries: z.number().int().min(1).max(10_000_000).optional(),
        // Only these series (a chart picked them): their defs and points, no topic counters.
        seriesIds: z.array(z.number().int().min(0)).max(10_000).optional()
      })
      .optional(),
    res: type<HistorySnapshot>()
  },
  'capture:list': { req: none, res: type<CaptureInfo[]>() },
  // For a panel that refreshes now and then: a broker with 100,000 topics makes their names
  // megabytes, which only the export dialog needs.
  'capture:summaries': { req: none, res: type<CaptureSummary[]>() },
  'capture:new': { req: none, res: type<CaptureInfo[]>() },
  'capture:delete': {
    req: z.object({ captureId: z.string().min(1).max(100) }),
    res: type<CaptureInfo[]>()
  },
  'capture:set-retention': {
    req: z.object({ retentionMB: z.number().int().min(10).max(100_000_000) }),
    res: type<CaptureInfo[]>()
  },
  // Decode a capture again from its kept payloads with the decoding rules as they are now.
  'capture:redecode': {
    req: z.object({ captureId: z.string().min(1).max(100) }),
    res: type<RedecodeResult>()
  },
  'export:start': { req: exportRequestSchema, res: type<ExportResult>() },
  'export:cancel': {
    req: z.object({ exportId: z.string().min(1).max(100) }),
    res: type<boolean>()
  },
  'dialog:pick-file': {
    req: z.object({
      purpose: z.enum(['ca', 'cert', 'key', 'mosquitto-db', 'pid-file', 'proto'])
    }),
    res: type<PickFileResult>()
  },
  // The settings form: does this .proto file load (on the machine running the core), and
  // which message types does it have?
  'decoder:check-proto': {
    req: z.object({ file: z.string().max(4096) }),
    res: type<ProtoCheck>()
  },
  // Desktop updates: the current state, and "restart and install" once one is downloaded.
  'update:status': { req: none, res: type<UpdateStatus>() },
  'update:install': { req: none, res: type<UpdateStatus>() },
  // The broker view: watch `$SYS/#` on a connection (renewed by an open view; pinned stays).
  'broker:watch': {
    req: byProfile.extend({ watching: z.boolean(), pinned: z.boolean().optional() }),
    res: type<{ view: BrokerSysView; prefs: BrokerPrefs }>()
  },
  // The queue table from a Mosquitto persistence file (read only, through a private copy).
  'broker:qshape': {
    req: z.object({
      profileId: z.string().min(1).max(100).optional(),
      file: z.string().trim().min(1).max(4096),
      options: qshapeOptionsSchema
    }),
    res: type<QshapeResult>()
  },
  // Desktop only: the broker process a pid or pid file names, then SIGUSR1 to it.
  'broker:find-process': {
    req: z.object({
      profileId: z.string().min(1).max(100).optional(),
      target: z.string().trim().min(1).max(4096)
    }),
    res: type<BrokerProcess>()
  },
  'broker:save-now': {
    req: z.object({
      pid: z.number().int().min(2).max(0x7fffffff),
      file: z.string().trim().min(1).max(4096).optional()
    }),
    res: type<{ saved: boolean; message: string }>()
  },
  // The topic explorer: the whole tree (then topics:delta events), one-line previews of the
  // topics on screen, a topic's kept messages, a large payload page by page, publishing.
  'topics:snapshot': { req: none, res: type<TopicDelta>() },
  'topics:preview': {
    req: z.object({ ids: z.array(z.number().int().min(0)).max(500) }),
    res: type<TopicPreview[]>()
  },
  'topics:history': {
    req: z.object({
      nodeId: z.number().int().min(0),
      limit: z.number().int().min(1).max(1000).default(100),
      beforeSeq: z.number().int().min(0).optional()
    }),
    res: type<TopicHistory>()
  },
  'topics:payload': {
    req: z.object({
      nodeId: z.number().int().min(0),
      seq: z.number().int().min(0),
      offset: z.number().int().min(0),
      length: z
        .number()
        .int()
        .min(1)
        .max(1024 * 1024)
    }),
    res: type<PayloadPage>()
  },
  'topics:publish': { req: publishRequestSchema, res: type<PublishResult>() },
  'topics:save-settings': { req: explorerSettingsInputSchema, res: type<ExplorerSettings>() },
  // The database store: its settings (password write-only), a connection test, its state.
  'store:get': { req: none, res: type<StoreView>() },
  'store:save': { req: storeSaveSchema, res: type<StoreView>() },
  'store:test': { req: storeSaveSchema, res: type<StoreTestResult>() },
  // History from the database: the series it holds, min/max/mean per bucket over a range.
  'store:series': { req: none, res: type<StoreSeries[]>() },
  'store:history': { req: historyRequestSchema, res: type<HistoryResult>() },
  // CSV of chosen series over a range, streamed from the database (progress: export:progress).
  'store:export': { req: storeExportSchema, res: type<ExportResult>() }
} as const

export const eventContract = {
  'connection:status': type<ConnectionStatus>(),
  'capture:batch': type<CaptureBatch>(),
  'export:progress': type<ExportProgress>(),
  'capture:progress': type<CaptureProgress>(),
  // The captured history changed under the charts (a capture decoded again): reload it.
  'capture:reset': type<{ reason: string }>(),
  'app:notice': type<Notice>(),
  // Desktop menu and its shortcuts; the renderer acts on them (never sent in serve mode).
  'app:command': type<AppCommand>(),
  // Desktop update check progress (never sent in serve mode).
  'app:update': type<UpdateStatus>(),
  'broker:sys': type<BrokerSysView>(),
  // Tree nodes created or changed, at most every ~50 ms.
  'topics:delta': type<TopicDelta>(),
  'store:status': type<StoreStatus>()
} as const

export type InvokeChannel = keyof typeof invokeContract
export type EventChannel = keyof typeof eventContract
export type Req<C extends InvokeChannel> = z.input<(typeof invokeContract)[C]['req']>
export type ParsedReq<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['req']>
export type Res<C extends InvokeChannel> = (typeof invokeContract)[C]['res']
export type EventPayload<E extends EventChannel> = (typeof eventContract)[E]

export const invokeChannels = Object.keys(invokeContract) as InvokeChannel[]
export const eventChannels = Object.keys(eventContract) as EventChannel[]

/** Channels that change state; refused in read-only serve mode. */
export const writeChannels: ReadonlySet<InvokeChannel> = new Set<InvokeChannel>([
  'settings:save-profile',
  'settings:delete-profile',
  'settings:select-profile',
  'settings:save-ui',
  'connection:open',
  'connection:close',
  'capture:new',
  'capture:delete',
  'capture:set-retention',
  'capture:redecode',
  'export:start',
  'export:cancel',
  'dialog:pick-file',
  // Reads the serving machine's files: not for a read-only dashboard.
  'decoder:check-proto',
  'update:install',
  'broker:save-now',
  'topics:publish',
  'topics:save-settings',
  'store:save',
  // Connects to a host the request names: not for a read-only dashboard's viewers.
  'store:test',
  'store:export'
])

/** Every invoke answers with this envelope so errors cross any transport as plain words. */
export type Envelope<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string } }

/** The object the preload exposes as `window.api`, and the WebSocket client implements. */
export interface Api {
  invoke<C extends InvokeChannel>(
    channel: C,
    ...req: undefined extends Req<C> ? [req?: Req<C>] : [req: Req<C>]
  ): Promise<Res<C>>
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && Object.hasOwn(invokeContract, value)
}

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && Object.hasOwn(eventContract, value)
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'AppError'
  }
}

/** Validates a request against its channel's schema; a bad request is an AppError. */
export function parseRequest<C extends InvokeChannel>(channel: C, raw: unknown): ParsedReq<C> {
  const result = invokeContract[channel].req.safeParse(raw)
  if (!result.success) {
    const issue = result.error.issues[0]
    const where = issue?.path.length ? ` (${issue.path.join('.')})` : ''
    throw new AppError(
      'bad-request',
      `Invalid request for ${channel}${where}: ${issue?.message ?? 'bad input'}`
    )
  }
  return result.data as ParsedReq<C>
}
