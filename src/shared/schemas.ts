// Domain schemas: the single source of the settings shape and of every IPC request's
// arguments. Types are inferred from them, so validation and typing never drift apart.
import { z } from 'zod'
import { shapeProblem, type ShapeLimits } from './json-shape'
import { explorerSettingsSchema } from './topic-types'

export const qosSchema = z.union([z.literal(0), z.literal(1), z.literal(2)])
export type Qos = z.infer<typeof qosSchema>

export const DEFAULT_CSV_COLUMNS = ['temperature', 'pressure', 'altitude']
export const DEFAULT_UNITS: Record<string, string> = {
  temperature: '°C',
  pressure: 'hPa',
  altitude: 'm'
}

export const timestampSchema = z.object({
  // auto: a JSON `ts` (or `time`/`timestamp`) field when present, else receive time
  source: z.enum(['auto', 'receive', 'field']).default('auto'),
  field: z.string().max(200).default('ts'),
  format: z.enum(['auto', 'epoch_s', 'epoch_ms', 'iso']).default('auto')
})
export type TimestampConfig = z.infer<typeof timestampSchema>

export const DECODER_FORMATS = [
  'auto',
  'csv',
  'json',
  'number',
  'raw',
  'cbor',
  'msgpack',
  'protobuf',
  'struct',
  'sparkplug'
] as const

export const decoderSchema = z.object({
  // auto: Sparkplug B on spBv1.0/ topics, else CSV, JSON or a number from the first payload.
  format: z.enum(DECODER_FORMATS).default('auto'),
  csvColumns: z.array(z.string().min(1).max(200)).max(256).default(DEFAULT_CSV_COLUMNS),
  csvSeparator: z.string().min(1).max(1).default(','),
  // Dot paths of fields to chart (JSON, CBOR, MessagePack, protobuf); empty = every numeric field.
  jsonPaths: z.array(z.string().min(1).max(500)).max(256).default([]),
  // Protobuf: the .proto file (a full path on the machine running the app) and message type.
  protoFile: z.string().max(4096).default(''),
  protoType: z.string().max(500).default(''),
  // Binary struct: a layout in Python's struct convention (<fff) and a name per value.
  structLayout: z.string().max(1000).default(''),
  structFields: z.array(z.string().min(1).max(200)).max(1000).default([]),
  // Field name for a plain-number payload.
  numberField: z.string().min(1).max(200).default('value'),
  timestamp: timestampSchema.default({ source: 'auto', field: 'ts', format: 'auto' }),
  units: z.record(z.string().max(200), z.string().max(50)).default({})
})
export type DecoderConfig = z.infer<typeof decoderSchema>

export const topicSchema = z.object({
  filter: z.string().min(1).max(1024),
  qos: qosSchema.default(0),
  decoder: decoderSchema.default(decoderSchema.parse({}))
})
export type TopicConfig = z.infer<typeof topicSchema>

export const tlsSchema = z.object({
  ca: z.string().max(4096).default(''),
  cert: z.string().max(4096).default(''),
  key: z.string().max(4096).default(''),
  verify: z.boolean().default(true),
  servername: z.string().max(255).default(''),
  alpn: z.array(z.string().min(1).max(255)).max(16).default([]),
  minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2')
})
export type TlsConfig = z.infer<typeof tlsSchema>

export const willSchema = z.object({
  enabled: z.boolean().default(false),
  topic: z.string().max(1024).default(''),
  payload: z.string().max(65536).default(''),
  qos: qosSchema.default(0),
  retain: z.boolean().default(false)
})

export const transportSchema = z.enum(['mqtt', 'mqtts', 'ws', 'wss'])
export type Transport = z.infer<typeof transportSchema>
export const protocolSchema = z.enum(['3.1', '3.1.1', '5.0'])
export type ProtocolVersion = z.infer<typeof protocolSchema>

/** A connection profile as stored: never holds a secret (see SecretKind). */
export const profileSchema = z.object({
  id: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  transport: transportSchema.default('mqtt'),
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535).default(1883),
  path: z.string().max(1024).default('/mqtt'),
  protocolVersion: protocolSchema.default('3.1.1'),
  username: z.string().max(1024).default(''),
  clientId: z.string().min(1).max(256),
  clean: z.boolean().default(true),
  // MQTT shared subscription: with a group, each filter becomes $share/<group>/<filter>, so
  // several capture workers split one stream. Empty: a plain subscription.
  shareGroup: z
    .string()
    .max(200)
    .regex(/^[^/+#]*$/, 'a share group name cannot contain /, + or #')
    .default(''),
  // MQTT 5 only; 0 = session ends with the connection.
  sessionExpiry: z.number().int().min(0).max(4294967295).default(0),
  keepalive: z.number().int().min(0).max(65535).default(60),
  connectTimeoutMs: z.number().int().min(1000).max(300000).default(15000),
  tls: tlsSchema.default(tlsSchema.parse({})),
  will: willSchema.default(willSchema.parse({})),
  topics: z.array(topicSchema).max(1000).default([]),
  // The app may publish on this connection by itself (Sparkplug B rebirth requests).
  allowPublish: z.boolean().default(false)
})
export type Profile = z.infer<typeof profileSchema>

export const SECRET_KINDS = ['password', 'passphrase'] as const
export type SecretKind = (typeof SECRET_KINDS)[number]

/** What the renderer sends to save a profile: secrets are write-only. */
export const secretInputSchema = z.union([
  z.object({ action: z.literal('keep') }),
  z.object({ action: z.literal('clear') }),
  z.object({
    action: z.literal('set'),
    value: z.string().max(65536),
    // The user agreed to keep it until the app quits (required where it cannot be encrypted).
    sessionOnly: z.boolean().optional()
  })
])
export type SecretInput = z.infer<typeof secretInputSchema>

export const profileInputSchema = z.object({
  profile: profileSchema,
  password: secretInputSchema.default({ action: 'keep' }),
  passphrase: secretInputSchema.default({ action: 'keep' })
})
export type ProfileInput = z.input<typeof profileInputSchema>

/** A saved chart layout: a few levels of charts and series, never thousands. */
export const LAYOUT_LIMITS: ShapeLimits = { maxDepth: 12, maxNodes: 50_000, maxChars: 1_000_000 }

export const uiSchema = z.object({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  // Desktop: a system notification when a connection drops.
  notifyOnDrop: z.boolean().default(false),
  // Desktop: ask GitHub for a newer release. Off by default: no network call unless turned on.
  checkForUpdates: z.boolean().default(false),
  // Dashboard layout is owned by the chart feature; kept opaque but bounded here.
  layout: z
    .unknown()
    .refine((v) => shapeProblem(v, LAYOUT_LIMITS) === null, {
      message: 'the chart layout is too large or nested too deeply'
    })
    .optional()
})

export const captureSettingsSchema = z.object({
  // Oldest captured data is dropped beyond this size on disk.
  retentionMB: z.number().int().min(10).max(100_000_000).default(1024)
})

/** libpq's sslmode values, with libpq's meanings (verify-ca and verify-full need a CA file). */
export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const

/** The database the readings are written to: one per installation (or capture worker). */
export const storeSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  // postgres://user@host:5432/database. The password is kept with the secrets, never here.
  url: z.string().trim().max(2048).default(''),
  sslmode: z.enum(SSL_MODES).default('prefer'),
  caFile: z.string().trim().max(4096).default(''),
  schema: z
    .string()
    .regex(
      /^[a-z_][a-z0-9_]{0,62}$/,
      'the schema name takes lower-case letters, digits and _ (at most 63, not starting with a digit)'
    )
    .default('mqtt_monitor')
})
export type StoreSettings = z.infer<typeof storeSettingsSchema>

export const SETTINGS_VERSION = 1
export const settingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION).default(SETTINGS_VERSION),
  profiles: z.array(profileSchema).max(500).default([]),
  selectedProfileId: z.string().max(100).default(''),
  // Profiles connected when the app last closed: connected again at start.
  autoConnect: z.array(z.string().max(100)).max(500).default([]),
  ui: uiSchema.default(uiSchema.parse({})),
  capture: captureSettingsSchema.default(captureSettingsSchema.parse({})),
  explorer: explorerSettingsSchema.default(explorerSettingsSchema.parse({})),
  store: storeSettingsSchema.default(storeSettingsSchema.parse({}))
})
export type Settings = z.infer<typeof settingsSchema>

export const exportRequestSchema = z.object({
  exportId: z.string().min(1).max(100),
  format: z.enum(['wide', 'long']).default('wide'),
  fromMs: z.number().finite().optional(),
  toMs: z.number().finite().optional(),
  topics: z.array(z.string().max(1024)).max(10000).optional(),
  fields: z.array(z.string().max(200)).max(10000).optional(),
  captureIds: z.array(z.string().max(100)).max(10000).optional(),
  // Wide rows end with each message's payload (text when UTF-8, else base64).
  payload: z.boolean().default(false)
})
export type ExportRequest = z.input<typeof exportRequestSchema>
