// A real PostgreSQL server for tests and benchmarks: Debian's server binaries, a fresh
// cluster in a temporary folder, listening on a free loopback port. PostgreSQL refuses to
// run as root, so as root every server command runs as the `postgres` user (runuser), and
// the folder, its socket folder and its log belong to that user.
import { execFile, execFileSync } from 'node:child_process'
import {
  accessSync,
  chmodSync,
  chownSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync
} from 'node:fs'
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { freePort } from './ports'

/** Debian and Ubuntu keep each major version's server in /usr/lib/postgresql/<N>/bin. */
const DEBIAN_DIR = '/usr/lib/postgresql'
const BINARIES = ['initdb', 'pg_ctl', 'postgres'] as const

export interface PostgresOptions {
  /** Extra server settings (`-c name=value`), e.g. { max_connections: '50' }. */
  settings?: Record<string, string>
  /** TLS on (ssl=on) with this certificate and key (PEM files; copied into the folder). */
  tls?: { cert: string; key: string }
}

export interface PostgresServer {
  host: '127.0.0.1'
  port: number
  /** The superuser and its password (password authentication over TCP). */
  user: string
  password: string
  database: string
  /** postgres://user@127.0.0.1:port/database: no password in it, as the app stores URLs. */
  url: string
  /** The same with the password, for tools that take one string. */
  urlWithPassword: string
  /** The temporary folder: data/, socket/, postgres.log. */
  dir: string
  logFile: string
  /** A new client as the superuser, connected; the caller ends it. */
  client(database?: string): Promise<pg.Client>
  /** One statement through a short-lived superuser connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params?: unknown[]
  ): Promise<pg.QueryResult<R>>
  /** Ends every backend whose application_name is `name` (pg_terminate_backend); how many. */
  terminate(applicationName: string): Promise<number>
  /** pg_ctl -m fast stop (waits). No-op when stopped. */
  stop(): Promise<void>
  /** Starts again on the same port and folder. No-op when running. */
  start(): Promise<void>
  /** stop() and delete the folder. */
  close(): Promise<void>
}

function candidateDirs(): string[] {
  if (process.env.PG_BIN_DIR) return [process.env.PG_BIN_DIR]
  try {
    return readdirSync(DEBIAN_DIR)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => join(DEBIAN_DIR, v, 'bin'))
  } catch {
    return []
  }
}

function binDir(): string | undefined {
  return candidateDirs().find((dir) =>
    BINARIES.every((name) => {
      try {
        accessSync(join(dir, name), constants.X_OK)
        return true
      } catch {
        return false
      }
    })
  )
}

function isRoot(): boolean {
  return process.getuid?.() === 0
}

/** The `postgres` account's uid and gid, or undefined (read from /etc/passwd). */
function postgresAccount(): { uid: number; gid: number } | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('postgres:'))
    if (!line) return undefined
    const [, , uid, gid] = line.split(':')
    return { uid: Number(uid), gid: Number(gid) }
  } catch {
    return undefined
  }
}

/** Whether the fixture can start a server here; `reason` says what is missing. */
export function postgresAvailable(): { ok: true } | { ok: false; reason: string } {
  if (process.platform === 'win32')
    return { ok: false, reason: 'the PostgreSQL fixture runs on Linux and macOS only' }
  if (!binDir())
    return {
      ok: false,
      reason: `PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in ${process.env.PG_BIN_DIR ?? `${DEBIAN_DIR}/<version>/bin`} (apt-get install postgresql, or set PG_BIN_DIR)`
    }
  if (isRoot() && !postgresAccount())
    return { ok: false, reason: 'running as root, but there is no postgres user to run the server' }
  if (isRoot()) {
    try {
      accessSync('/usr/sbin/runuser', constants.X_OK)
    } catch {
      return { ok: false, reason: 'running as root, but runuser is missing (util-linux)' }
    }
  }
  return { ok: true }
}

/** The command line that runs `cmd` as the server's user. */
function asServerUser(cmd: string, args: string[]): [string, string[]] {
  return isRoot() ? ['/usr/sbin/runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
}

function run(cmd: string, args: string[]): Promise<string> {
  const [file, argv] = asServerUser(cmd, args)
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr || stdout || error.message}`))
      else resolve(stdout)
    })
  })
}

/** Initialises a cluster in a fresh temporary folder and starts it on a free port. */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const available = postgresAvailable()
  if (!available.ok) throw new Error(`cannot start PostgreSQL: ${available.reason}`)
  const bin = binDir()!
  const account = isRoot() ? postgresAccount()! : undefined
  // A Unix socket path is limited to ~100 bytes: macOS's temp folder is too deep for one.
  const dir = mkdtempSync(join(process.platform === 'darwin' ? '/tmp' : tmpdir(), 'pg-fixture-'))
  const data = join(dir, 'data')
  const socket = join(dir, 'socket')
  const logFile = join(dir, 'postgres.log')
  const pwFile = join(dir, 'pwfile')
  const user = 'postgres'
  const password = `pw-${Math.random().toString(36).slice(2, 12)}`
  const database = 'postgres'
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 })
  await writeFile(logFile, '')
  await mkdir(socket)
  const tlsFiles = options.tls
    ? { cert: join(dir, 'server.crt'), key: join(dir, 'server.key') }
    : undefined
  if (options.tls && tlsFiles) {
    await copyFile(options.tls.cert, tlsFiles.cert)
    await copyFile(options.tls.key, tlsFiles.key)
    chmodSync(tlsFiles.key, 0o600)
  }
  if (account) {
    for (const path of [dir, socket, logFile, pwFile, ...Object.values(tlsFiles ?? {})])
      chownSync(path, account.uid, account.gid)
  }
  await run(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    user,
    `--pwfile=${pwFile}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync'
  ])
  const port = await freePort()
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: socket,
    ...(tlsFiles ? { ssl: 'on', ssl_cert_file: tlsFiles.cert, ssl_key_file: tlsFiles.key } : {}),
    ...options.settings
  }
  const serverOptions = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ')
  let running = false

  const pgCtl = join(bin, 'pg_ctl')
  // Last resort when a test process ends without close(): leave no server behind.
  const kill = (): void => {
    try {
      execFileSync(...asServerUser(pgCtl, ['-D', data, '-m', 'immediate', 'stop']), {
        stdio: 'ignore'
      })
    } catch {
      // already gone
    }
  }
  const start = async (): Promise<void> => {
    if (running) return
    await run(pgCtl, ['-D', data, '-l', logFile, '-o', serverOptions, '-w', 'start'])
    running = true
    runningServers.add(kill)
  }
  const stop = async (): Promise<void> => {
    if (!running) return
    await run(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop'])
    running = false
    runningServers.delete(kill)
  }
  try {
    await start()
  } catch (error) {
    let log = ''
    try {
      log = readFileSync(logFile, 'utf8').slice(-2000)
    } catch {
      // no log
    }
    await rm(dir, { recursive: true, force: true })
    throw new Error(`${(error as Error).message}\n${log}`, { cause: error })
  }

  const config = (db = database): pg.ClientConfig => ({
    host: '127.0.0.1',
    port,
    user,
    password,
    database: db
  })
  const client = async (db?: string): Promise<pg.Client> => {
    const c = new pg.Client(config(db))
    c.on('error', () => undefined) // a terminated backend must not crash the test process
    await c.connect()
    return c
  }
  const query = async <R extends pg.QueryResultRow>(
    sql: string,
    params?: unknown[]
  ): Promise<pg.QueryResult<R>> => {
    const c = await client()
    try {
      return await c.query<R>(sql, params)
    } finally {
      await c.end()
    }
  }
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    database,
    url: `postgres://${user}@127.0.0.1:${port}/${database}`,
    urlWithPassword: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    dir,
    logFile,
    client,
    query,
    async terminate(applicationName) {
      const result = await query<{ ok: boolean }>(
        'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
        [applicationName]
      )
      return result.rows.filter((r) => r.ok).length
    },
    stop,
    start,
    async close() {
      await stop()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

const runningServers = new Set<() => void>()
process.once('exit', () => runningServers.forEach((kill) => kill()))

/** Who runs the server: shown in skip messages and logs. */
export function postgresRunsAs(): string {
  return isRoot() ? 'postgres (through runuser)' : userInfo().username
}
