// From the store's settings to a node-postgres connection, and from its errors to plain words.
import * as fs from 'node:fs'
import type { ConnectionOptions } from 'node:tls'
import pg from 'pg'
import type { StoreSettings } from '../../../shared/schemas'

/** The settings cannot work as they are (a bad URL, an unreadable CA file): fix them first. */
export class StoreConfigError extends Error {}

export const CONNECT_TIMEOUT_MS = 10_000

export interface PgTarget {
  host: string
  port: number
  user: string
  database: string
  /** host:port as people write it. */
  label: string
}

/** Parses postgres://user[:password]@host[:port]/database; the password only when allowed. */
export function parseStoreUrl(
  url: string,
  options: { allowPassword?: boolean } = {}
): PgTarget & { password?: string } {
  if (!url)
    throw new StoreConfigError('Enter the database URL, e.g. postgres://user@host:5432/database.')
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new StoreConfigError(
      `"${url.slice(0, 200)}" is not a database URL; write it like postgres://user@host:5432/database.`
    )
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new StoreConfigError('The database URL must start with postgres:// (or postgresql://).')
  if (!parsed.hostname) throw new StoreConfigError('The database URL has no host.')
  if (parsed.password && !options.allowPassword)
    throw new StoreConfigError(
      'Take the password out of the URL and enter it under Password: it is kept with your other secrets, never in the settings file.'
    )
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  const port = parsed.port ? Number(parsed.port) : 5432
  const user = decodeURIComponent(parsed.username) || 'postgres'
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user
  return {
    host,
    port,
    user,
    database,
    label: `${host.includes(':') ? `[${host}]` : host}:${port}`,
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {})
  }
}

/** Node's TLS options for a libpq sslmode; false for none. `prefer` falls back (see connect). */
export function sslOptions(settings: StoreSettings, host: string): false | ConnectionOptions {
  if (settings.sslmode === 'disable') return false
  let ca: Buffer | undefined
  if (settings.caFile) {
    try {
      ca = fs.readFileSync(settings.caFile)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      const why =
        code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code
      throw new StoreConfigError(`Cannot read the CA file ${settings.caFile} (${why}).`)
    }
  }
  // libpq: require with a CA file checks the chain like verify-ca; without one, only encrypts.
  const verify =
    settings.sslmode === 'verify-ca' ||
    settings.sslmode === 'verify-full' ||
    (settings.sslmode === 'require' && ca !== undefined)
  const options: ConnectionOptions = { rejectUnauthorized: verify, ...(ca ? { ca } : {}) }
  if (verify && settings.sslmode !== 'verify-full') options.checkServerIdentity = () => undefined
  if (settings.sslmode === 'verify-full') options.servername = isIp(host) ? undefined : host
  return options
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':')
}

export interface StoreConnection {
  settings: StoreSettings
  password?: string
  /** Shown in pg_stat_activity; tests end the writer's session by it. */
  applicationName: string
}

export function clientConfig(c: StoreConnection, ssl: false | ConnectionOptions): pg.ClientConfig {
  const target = parseStoreUrl(c.settings.url, { allowPassword: true })
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    password: c.password ?? target.password,
    ssl,
    application_name: c.applicationName.slice(0, 63),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    // History queries aggregate millions of rows: compiling them (JIT) costs more than it saves.
    options: '-c jit=off'
  }
}

const NO_TLS = 'The server does not support SSL connections'

/**
 * Connects one client. With sslmode prefer, a server that does not speak TLS is asked again
 * without it, as libpq does.
 */
export async function connectClient(c: StoreConnection): Promise<pg.Client> {
  const target = parseStoreUrl(c.settings.url, { allowPassword: true })
  const ssl = sslOptions(c.settings, target.host)
  try {
    return await connectWith(clientConfig(c, ssl))
  } catch (error) {
    if (c.settings.sslmode === 'prefer' && (error as Error)?.message?.includes(NO_TLS))
      return connectWith(clientConfig(c, false))
    throw error
  }
}

async function connectWith(config: pg.ClientConfig): Promise<pg.Client> {
  const client = new pg.Client(config)
  // A session ended by the server (restart, pg_terminate_backend) must not crash the process:
  // the next query on it fails, and the writer opens a new one.
  client.on('error', () => undefined)
  try {
    await client.connect()
  } catch (error) {
    client.end().catch(() => undefined)
    throw error
  }
  return client
}

/** Errors whose cause is the data of one row: that row goes to the dead letters. */
export function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  return typeof code === 'string' && /^(22|23)/.test(code)
}

/** A database error or a network failure, in words a user can act on. */
export function describePgError(error: unknown, c: StoreConnection): string {
  let target: PgTarget | undefined
  try {
    target = parseStoreUrl(c.settings.url, { allowPassword: true })
  } catch (e) {
    return (e as Error).message
  }
  if (error instanceof StoreConfigError) return error.message
  const e = error as { code?: string; message?: string }
  const message = e?.message ?? String(error)
  const where = `the database at ${target.label}`
  switch (e?.code) {
    case 'ECONNREFUSED':
      return `${cap(where)} refused the connection: is PostgreSQL running and listening there?`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The database host ${target.host} was not found.`
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${cap(where)} cannot be reached (${e.code}).`
    case 'ECONNRESET':
    case 'EPIPE':
      return `The connection to ${where} was lost.`
    case '28P01':
      return `The database refused the password of user "${target.user}".`
    case '28000':
      return `The database does not let user "${target.user}" in: ${message}`
    case '3D000':
      return `There is no database "${target.database}" at ${target.label}.`
    case '57P01':
    case '57P02':
      return `The database ended the session (an administrator, or a restart).`
    case '57P03':
      return `The database is starting up or shutting down.`
    case '42501':
      return `User "${target.user}" may not do this in the database: ${message}`
    case '53300':
      return `The database has no free connections (too many clients).`
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_SIGNATURE_FAILURE':
      return `The database's certificate is not trusted: choose the CA file that signed it (or sslmode "require" to encrypt without checking it).`
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `The database's certificate is not made out to ${target.host} (verify-full checks the name; verify-ca does not).`
    case 'CERT_HAS_EXPIRED':
      return `The database's certificate has expired.`
  }
  if (message.includes(NO_TLS))
    return `The database does not accept TLS: choose sslmode "disable" or "prefer".`
  if (/client password must be a string/.test(message))
    return `The database asks for a password: enter it under Password.`
  if (/timeout|timed out/i.test(message))
    return `No answer from ${where} within ${CONNECT_TIMEOUT_MS / 1000} s.`
  if (/Connection terminated/i.test(message)) return `The connection to ${where} was lost.`
  if (e?.code && /^[0-9A-Z]{5}$/.test(e.code)) return `The database answered: ${message}`
  return `Cannot use ${where}: ${message}`
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
