// `npm run serve`: the app headless, its UI served to any browser. Plain Node, no Electron.
import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { MonitorCore } from '../core/monitor-core'
import { JsonFileBackend } from '../core/settings/settings-backend'
import { FileSecretStore, MemorySecretStore } from '../core/settings/secret-store'
import { Downloads, isLoopback, startServer } from './server'

export interface ServeArgs {
  port: number
  host: string
  demo: boolean
  dataDir: string
  /** Where finished exports wait for the browser: not the data folder, which may be full. */
  exportDir: string
  token?: string
  readOnly: boolean
  sessionSecrets: boolean
}

const USAGE = `Usage: npm run serve -- [--port N] [--host H] [--demo] [--data-dir DIR] [--export-dir DIR] [--token T] [--read-only] [--session-secrets]
  --port N       port to listen on; 0 (default) picks a free one
  --host H       address to bind; default 127.0.0.1. Any other address requires a token
  --demo         start the built-in demo broker and simulated sensors
  --data-dir DIR where settings and captures live; default the per-user app data folder
  --export-dir DIR  where exports wait for the browser to download them; default the system temp folder
  --token T      the access token (generated when binding beyond loopback and none given)
  --read-only    a wall dashboard: no settings changes, connects or exports
  --session-secrets  keep passwords in memory only, asking first (nothing on disk)`

/** The folder Electron uses as userData for this app, so both modes find the same data. */
export function defaultDataDir(): string {
  const name = 'MQTT Live Monitor'
  if (process.platform === 'win32')
    return path.join(process.env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), name)
  if (process.platform === 'darwin')
    return path.join(os.homedir(), 'Library', 'Application Support', name)
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), name)
}

export function parseArgs(argv: string[]): ServeArgs {
  const args: ServeArgs = {
    port: 0,
    host: '127.0.0.1',
    demo: false,
    dataDir: defaultDataDir(),
    exportDir: os.tmpdir(),
    readOnly: false,
    sessionSecrets: false
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${flag} needs a value`)
      return v
    }
    if (flag === '--port') {
      args.port = Number(value())
      if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
        throw new Error('--port must be 0..65535')
    } else if (flag === '--host') args.host = value()
    else if (flag === '--demo') args.demo = true
    else if (flag === '--data-dir') args.dataDir = path.resolve(value())
    else if (flag === '--export-dir') args.exportDir = path.resolve(value())
    else if (flag === '--token') args.token = value()
    else if (flag === '--read-only') args.readOnly = true
    else if (flag === '--session-secrets') args.sessionSecrets = true
    else if (flag === '--help' || flag === '-h') throw new Error(USAGE)
    else throw new Error(`Unknown option ${flag}\n${USAGE}`)
  }
  // A short token can be guessed; the generated one is 32 characters.
  if (args.token !== undefined && args.token.length < 16)
    throw new Error('--token must be at least 16 characters long')
  if (!isLoopback(args.host) && !args.token)
    args.token = crypto.randomBytes(24).toString('base64url')
  return args
}

async function main(): Promise<void> {
  let args: ServeArgs
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (error) {
    console.error((error as Error).message)
    process.exit(2)
  }
  const here = path.dirname(fileURLToPath(import.meta.url))
  // A private folder of its own inside the export folder, removed when the server stops.
  const exportDir = fs.mkdtempSync(path.join(args.exportDir, 'mqtt-monitor-exports-'))
  const downloads = new Downloads(exportDir)
  const core = await MonitorCore.create({
    mode: 'serve',
    version: process.env.npm_package_version ?? '0.0.0',
    dataDir: args.dataDir,
    settingsBackend: new JsonFileBackend(path.join(args.dataDir, 'settings.json')),
    secrets: args.sessionSecrets
      ? new MemorySecretStore(process.env)
      : new FileSecretStore(path.join(args.dataDir, 'secrets.json')),
    demo: args.demo,
    readOnly: args.readOnly,
    exportTarget: downloads.resolver
  })
  const server = await startServer({
    core,
    host: args.host,
    port: args.port,
    token: args.token,
    readOnly: args.readOnly,
    // Another build of the page (the benchmarks' copy with their frame probe) may be served.
    rendererDir: process.env.MQTT_MONITOR_RENDERER_DIR ?? path.resolve(here, '../renderer'),
    downloads,
    onClientDropped: (stats, reason) =>
      console.warn(
        `Disconnected a browser: ${reason} (it held ${(stats.peakQueuedBytes / 1048576).toFixed(1)} MB at most)`
      )
  })
  // The address alone on its own line: scripts and tests read it.
  console.log(server.url)
  console.log(
    `MQTT Live Monitor is serving its UI (data in ${args.dataDir}${args.demo ? ', demo running' : ''}). Ctrl+C stops it.`
  )
  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    await server.close()
    await core.close()
    fs.rmSync(exportDir, { recursive: true, force: true })
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) void main()
