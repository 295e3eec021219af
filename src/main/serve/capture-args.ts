// The capture worker's command line: which profile, which data folder, and the flags that
// stand in for (or override) the saved settings, so a worker can run from flags alone.
import * as path from 'node:path'
import {
  decoderSchema,
  profileSchema,
  SSL_MODES,
  type Profile,
  type StoreSettings
} from '../../shared/schemas'
import { defaultDataDir } from './cli'

export interface CaptureArgs {
  profile: string
  dataDir: string
  /** A broker URL: the profile is made from the flags, not read from the settings. */
  broker?: string
  topics: string[]
  qos?: 0 | 1 | 2
  format?: 'auto' | 'csv' | 'json' | 'number'
  clientId?: string
  share?: string
  mqttVersion?: '3.1.1' | '5.0'
  /** Keep the session (clean session off) so QoS 1/2 messages wait while the worker is down. */
  persistent: boolean
  store: Partial<StoreSettings>
  source?: string
  noStore: boolean
}

export class UsageError extends Error {}

export const USAGE = `Usage: npm run capture -- --profile NAME [options]

Runs one connection headless: connect, decode, journal to the data folder, and write to the
database store. Logs plain lines; SIGTERM (or Ctrl+C) stops it after everything is flushed.

  --profile NAME      the connection profile (its name or id) in the data folder's settings;
                      with --broker, the name of the profile the flags make
  --data-dir DIR      settings, secrets and captures; default the app's data folder
  --broker URL        mqtt://[user@]host[:port] (or mqtts, ws, wss): a profile from flags
  --topic FILTER      a topic filter to subscribe to (repeat for more; replaces the profile's)
  --qos N             QoS of those filters (0, 1 or 2; default 1)
  --format F          how payloads decode: auto, json, csv or number (default auto)
  --client-id ID      this worker's client id (each worker needs its own)
  --share GROUP       a member of shared subscription GROUP: filters become $share/GROUP/...
  --mqtt-version V    3.1.1 or 5.0 (default 5.0 with --broker)
  --persistent        keep the MQTT session while stopped (clean session off)
  --store-url URL     the database: postgres://user@host:5432/database
  --store-schema S    its schema (default mqtt_monitor)
  --sslmode M         disable, prefer, require, verify-ca or verify-full (default prefer)
  --ca-file FILE      the CA certificate that signed the database's certificate
  --source NAME       this worker's name in the database (default: made once per data folder)
  --no-store          journal only, no database

Secrets come from the environment: MQTT_MONITOR_PASSWORD_<PROFILE ID> (the broker; with
--broker the id is the --profile name, upper case, other characters as _) and
MQTT_MONITOR_STORE_PASSWORD (the database), or from the data folder's secrets.json as serve
mode keeps it.`

export function parseCaptureArgs(argv: readonly string[]): CaptureArgs {
  const args: CaptureArgs = {
    profile: '',
    dataDir: defaultDataDir(),
    topics: [],
    persistent: false,
    store: {},
    noStore: false
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined || (v.startsWith('--') && v.length > 2))
        throw new UsageError(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--profile':
        args.profile = value()
        break
      case '--data-dir':
        args.dataDir = path.resolve(value())
        break
      case '--broker':
        args.broker = value()
        break
      case '--topic':
        args.topics.push(value())
        break
      case '--qos': {
        const qos = Number(value())
        if (qos !== 0 && qos !== 1 && qos !== 2) throw new UsageError('--qos must be 0, 1 or 2')
        args.qos = qos
        break
      }
      case '--format': {
        const format = value()
        if (!['auto', 'csv', 'json', 'number'].includes(format))
          throw new UsageError('--format must be auto, json, csv or number')
        args.format = format as CaptureArgs['format']
        break
      }
      case '--client-id':
        args.clientId = value()
        break
      case '--share':
        args.share = value()
        break
      case '--mqtt-version': {
        const version = value()
        if (version !== '3.1.1' && version !== '5.0')
          throw new UsageError('--mqtt-version must be 3.1.1 or 5.0')
        args.mqttVersion = version
        break
      }
      case '--persistent':
        args.persistent = true
        break
      case '--store-url':
        args.store.url = value()
        args.store.enabled = true
        break
      case '--store-schema':
        args.store.schema = value()
        break
      case '--sslmode': {
        const mode = value()
        if (!(SSL_MODES as readonly string[]).includes(mode))
          throw new UsageError(`--sslmode must be one of ${SSL_MODES.join(', ')}`)
        args.store.sslmode = mode as StoreSettings['sslmode']
        break
      }
      case '--ca-file':
        args.store.caFile = path.resolve(value())
        break
      case '--source':
        args.source = value()
        break
      case '--no-store':
        args.noStore = true
        break
      case '--help':
      case '-h':
        throw new UsageError(USAGE)
      default:
        throw new UsageError(`Unknown option ${flag}\n${USAGE}`)
    }
  }
  if (!args.profile) throw new UsageError(`--profile is required\n${USAGE}`)
  return args
}

/** The id a profile made from flags gets: the name, as an id may be written. */
export function flagProfileId(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100) || 'worker'
}

/** A profile from --broker and the other flags. */
export function profileFromFlags(args: CaptureArgs): Profile {
  let url: URL
  try {
    url = new URL(args.broker!)
  } catch {
    throw new UsageError(`--broker "${args.broker}" is not a URL like mqtt://host:1883`)
  }
  const transport = url.protocol.replace(/:$/, '')
  if (!['mqtt', 'mqtts', 'ws', 'wss'].includes(transport))
    throw new UsageError('--broker must start with mqtt://, mqtts://, ws:// or wss://')
  if (url.password)
    throw new UsageError(
      '--broker must not hold a password (it would show in the process list): give it as MQTT_MONITOR_PASSWORD_<PROFILE ID>'
    )
  if (args.topics.length === 0) throw new UsageError('--broker needs at least one --topic')
  const defaultPort = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 }[transport]!
  const parsed = profileSchema.safeParse({
    id: flagProfileId(args.profile),
    name: args.profile,
    transport,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : defaultPort,
    path: transport.startsWith('ws') ? url.pathname || '/mqtt' : '/mqtt',
    username: decodeURIComponent(url.username),
    clientId:
      args.clientId ?? `mqtt-live-monitor-worker-${Math.random().toString(36).slice(2, 10)}`,
    protocolVersion: args.mqttVersion ?? '5.0',
    clean: !args.persistent,
    shareGroup: args.share ?? '',
    topics: topicsFrom(args)
  })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new UsageError(`bad value for ${issue.path.join('.')}: ${issue.message}`)
  }
  return parsed.data
}

/** A saved profile with the flags that override it. */
export function overrideProfile(profile: Profile, args: CaptureArgs): Profile {
  const next: Profile = {
    ...profile,
    ...(args.clientId ? { clientId: args.clientId } : {}),
    ...(args.share !== undefined ? { shareGroup: args.share } : {}),
    ...(args.mqttVersion ? { protocolVersion: args.mqttVersion } : {}),
    ...(args.persistent ? { clean: false } : {}),
    ...(args.topics.length > 0 ? { topics: topicsFrom(args) } : {})
  }
  const parsed = profileSchema.safeParse(next)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new UsageError(`bad value for ${issue.path.join('.')}: ${issue.message}`)
  }
  return parsed.data
}

function topicsFrom(args: CaptureArgs): Profile['topics'] {
  return args.topics.map((filter) => ({
    filter,
    qos: args.qos ?? 1,
    decoder: decoderSchema.parse({ format: args.format ?? 'auto' })
  }))
}
