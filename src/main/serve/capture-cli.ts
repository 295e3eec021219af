// `npm run capture -- --profile NAME`: a headless capture worker. The same core as the app,
// without a window or a web server: connect, decode, journal, store. Plain log lines on
// stdout; SIGTERM or SIGINT stops it once the journal is flushed and the database has what
// the journal holds (as far as it can be reached).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Settings } from '../../shared/schemas'
import type { StoreStatus } from '../../shared/store-types'
import { MonitorCore } from '../core/monitor-core'
import { FileSecretStore } from '../core/settings/secret-store'
import type { SettingsBackend } from '../core/settings/settings-backend'
import {
  overrideProfile,
  parseCaptureArgs,
  profileFromFlags,
  UsageError,
  type CaptureArgs
} from './capture-args'

const SUMMARY_EVERY_MS = 30_000

/**
 * The data folder's settings with this worker's profile laid over them, kept in memory: a
 * worker never rewrites the settings another worker or the app may share.
 */
class WorkerSettings implements SettingsBackend {
  constructor(private data: unknown) {}
  read(): unknown {
    return this.data
  }
  write(data: unknown): void {
    this.data = data
  }
  quarantine(): string {
    throw new Error('a worker does not move settings aside')
  }
}

function log(level: 'info' | 'warning' | 'error', message: string): void {
  console.log(`${new Date().toISOString()} ${level} ${message}`)
}

/** The settings to run on: the file's, with the profile from flags or a saved one chosen. */
export function workerSettings(args: CaptureArgs): { settings: unknown; profileId: string } {
  const file = path.join(args.dataDir, 'settings.json')
  let saved: Partial<Settings> & Record<string, unknown> = {}
  if (fs.existsSync(file)) {
    try {
      saved = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof saved
    } catch (error) {
      throw new UsageError(`${file} is not valid JSON (${(error as Error).message}).`)
    }
  }
  const profiles = Array.isArray(saved.profiles) ? saved.profiles : []
  let profile
  if (args.broker) profile = profileFromFlags(args)
  else {
    const found = profiles.find((p) => p?.id === args.profile || p?.name === args.profile)
    if (!found) {
      const names = profiles.map((p) => `"${p?.name}"`).join(', ')
      throw new UsageError(
        `There is no profile "${args.profile}" in ${file}${names ? ` (there are ${names})` : ''}; give --broker and --topic to run without one.`
      )
    }
    profile = overrideProfile(found, args)
  }
  return {
    settings: {
      ...saved,
      profiles: [...profiles.filter((p) => p?.id !== profile.id), profile],
      selectedProfileId: profile.id,
      autoConnect: [profile.id]
    },
    profileId: profile.id
  }
}

async function main(): Promise<void> {
  let args: CaptureArgs
  let settings: { settings: unknown; profileId: string }
  try {
    args = parseCaptureArgs(process.argv.slice(2))
    settings = workerSettings(args)
  } catch (error) {
    console.error((error as Error).message)
    process.exit(2)
  }
  fs.mkdirSync(args.dataDir, { recursive: true })
  const core = await MonitorCore.create({
    mode: 'serve',
    version: process.env.npm_package_version ?? '0.0.0',
    dataDir: args.dataDir,
    settingsBackend: new WorkerSettings(settings.settings),
    secrets: new FileSecretStore(path.join(args.dataDir, 'secrets.json')),
    demo: false,
    exportTarget: async () => null,
    store: {
      overrides: {
        settings: args.noStore ? { enabled: false } : args.store,
        source: args.source
      }
    }
  })
  let lastStore: StoreStatus | null = null
  core.on('connection:status', (s) =>
    log(
      s.state === 'error' ? 'error' : 'info',
      `connection "${s.name}": ${s.state}${s.message ? ` — ${s.message}` : ''}`
    )
  )
  core.on('app:notice', (n) => log(n.level, n.message))
  core.on('store:status', (s) => {
    if (s.state !== lastStore?.state || s.message !== lastStore?.message)
      log(
        s.state === 'retrying' || s.state === 'error' ? 'warning' : 'info',
        `store: ${s.state}${s.message ? ` — ${s.message}` : ''}${s.source ? ` (source ${s.source})` : ''}`
      )
    lastStore = s
  })
  const info = await core.handlers['app:info'](undefined)
  for (const n of info.notices) log(n.level, n.message)
  log('info', `capturing with profile "${args.profile}" (data in ${args.dataDir}); SIGTERM stops`)
  const summary = setInterval(() => {
    void core.handlers['capture:list'](undefined).then((captures) => {
      const active = captures.find((c) => c.active)
      const s = lastStore
      log(
        'info',
        `captured ${active?.messages ?? 0} messages in this capture; store ${s ? `${s.state}, ${s.storedRows} readings stored, ${s.lagRows} messages behind (${s.lagSeconds.toFixed(1)} s)` : 'off'}`
      )
    })
  }, SUMMARY_EVERY_MS)
  summary.unref()

  let stopping = false
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return
    stopping = true
    clearInterval(summary)
    log('info', `${signal}: stopping (closing the connection, flushing the journal and the store)`)
    await core.close()
    const s = lastStore
    if (s && s.state !== 'off' && s.lagRows > 0)
      log(
        'warning',
        `stopped with ${s.lagRows} journaled messages not yet in the database; they are stored at the next start`
      )
    log(
      'info',
      `stopped${s && s.state !== 'off' ? `: ${s.storedRows} readings stored in this run` : ''}`
    )
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) void main()
