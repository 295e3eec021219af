import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import * as tls from 'node:tls'
import type { IClientOptions } from 'mqtt'
import type { Profile } from '../../../shared/schemas'

/** Default MQTT 5 session expiry when clean session is off: one day. */
export const DEFAULT_SESSION_EXPIRY_S = 86_400

export interface ProfileSecrets {
  password?: string
  passphrase?: string
}

/** A problem in the profile itself, found before any network traffic. */
export class ProfileError extends Error {}

// mqtt.js forwards these to tls.connect but does not declare all of them.
export type MqttOptions = IClientOptions & tls.SecureContextOptions & { ALPNProtocols?: string[] }

const PROTOCOL: Record<Profile['protocolVersion'], { version: 3 | 4 | 5; id: 'MQIsdp' | 'MQTT' }> =
  {
    '3.1': { version: 3, id: 'MQIsdp' },
    '3.1.1': { version: 4, id: 'MQTT' },
    '5.0': { version: 5, id: 'MQTT' }
  }

function ignore(): void {}

/** Builds mqtt.js options from a profile, reading TLS files and checking the key first. */
export function buildMqttOptions(profile: Profile, secrets: ProfileSecrets): MqttOptions {
  const protocol = PROTOCOL[profile.protocolVersion]
  const options: MqttOptions = {
    protocol: profile.transport,
    // Sockets take a bare IPv6 address; a ws:// URL needs it in brackets.
    host:
      profile.transport === 'ws' || profile.transport === 'wss'
        ? urlHost(profile.host)
        : bareHost(profile.host),
    port: profile.port,
    clientId: profile.clientId,
    clean: profile.clean,
    keepalive: profile.keepalive,
    connectTimeout: profile.connectTimeoutMs,
    protocolVersion: protocol.version,
    protocolId: protocol.id,
    // Reconnects are ours (backoff with jitter, attempt count in the status).
    reconnectPeriod: 0,
    resubscribe: false,
    queueQoSZero: false
  }
  // mqtt.js logs each packet through `debug`, which gathers the arguments even while off: its
  // own logger only when DEBUG asks for one.
  if (!process.env.DEBUG) options.log = ignore
  if (profile.transport === 'ws' || profile.transport === 'wss')
    options.path = normalizePath(profile.path)
  if (profile.username) options.username = profile.username
  if (secrets.password) options.password = secrets.password
  if (protocol.version === 5) {
    // With clean session off, expiry 0 would make the broker drop the session at once.
    const expiry = profile.clean
      ? profile.sessionExpiry
      : profile.sessionExpiry || DEFAULT_SESSION_EXPIRY_S
    options.properties = { sessionExpiryInterval: expiry }
  }
  if (profile.will.enabled && profile.will.topic) {
    options.will = {
      topic: profile.will.topic,
      payload: Buffer.from(profile.will.payload),
      qos: profile.will.qos,
      retain: profile.will.retain
    }
  }
  if (profile.transport === 'mqtts') Object.assign(options, tlsOptions(profile, secrets))
  // mqtt.js hands only ca/cert/key/passphrase/rejectUnauthorized to the WebSocket; servername,
  // ALPN and the minimum version must go in wsOptions themselves.
  if (profile.transport === 'wss') options.wsOptions = { ...tlsOptions(profile, secrets) }
  return options
}

/** The host without the brackets a user may have typed around an IPv6 address. */
export function bareHost(host: string): string {
  const trimmed = host.trim()
  return /^\[.*\]$/.test(trimmed) ? trimmed.slice(1, -1) : trimmed
}

/** The host as a URL writes it: an IPv6 address in brackets. */
export function urlHost(host: string): string {
  const bare = bareHost(host)
  return bare.includes(':') ? `[${bare}]` : bare
}

/** host:port as people write it, e.g. [::1]:1883. */
export function hostPort(host: string, port: number): string {
  return `${urlHost(host)}:${port}`
}

/** "mqtt" would make the URL ws://host:1234mqtt. */
export function normalizePath(path: string): string {
  const trimmed = path.trim()
  if (!trimmed) return '/mqtt'
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`
}

function tlsOptions(profile: Profile, secrets: ProfileSecrets): Partial<MqttOptions> {
  const t = profile.tls
  const out: Partial<MqttOptions> = { rejectUnauthorized: t.verify, minVersion: t.minVersion }
  if (t.ca) out.ca = readTlsFile(t.ca, 'CA certificate')
  if (t.cert) out.cert = readTlsFile(t.cert, 'client certificate')
  if (t.key) out.key = readTlsFile(t.key, 'client key')
  if (t.cert && !t.key)
    throw new ProfileError('A client certificate needs its client key: choose the key file too.')
  if (t.key && !t.cert)
    throw new ProfileError(
      'A client key needs its client certificate: choose the certificate file too.'
    )
  if (secrets.passphrase) out.passphrase = secrets.passphrase
  if (t.servername) out.servername = t.servername
  if (t.alpn.length > 0) out.ALPNProtocols = t.alpn
  if (out.key) checkKey(out.key as Buffer, secrets.passphrase)
  // Build the context once here: node throws synchronously on bad PEM or a wrong passphrase,
  // and inside mqtt.js that throw would escape from a timer.
  try {
    tls.createSecureContext({
      ca: out.ca,
      cert: out.cert,
      key: out.key,
      passphrase: out.passphrase,
      minVersion: t.minVersion
    })
  } catch (error) {
    throw new ProfileError(describeTlsFileError(error))
  }
  return out
}

function checkKey(key: Buffer, passphrase: string | undefined): void {
  const encrypted = /ENCRYPTED/.test(key.subarray(0, 200).toString('latin1'))
  if (encrypted && !passphrase) {
    throw new ProfileError(
      'The client key is protected by a passphrase: enter it in "Key passphrase".'
    )
  }
  try {
    crypto.createPrivateKey({ key, passphrase: passphrase ?? '', format: 'pem' })
  } catch (error) {
    if (encrypted)
      throw new ProfileError('Wrong key passphrase: the client key could not be decrypted.')
    throw new ProfileError(
      `The client key is not a valid PEM private key (${(error as Error).message}).`
    )
  }
}

function describeTlsFileError(error: unknown): string {
  const e = error as { code?: string; message?: string }
  if (e.code === 'ERR_OSSL_BAD_DECRYPT' || /bad decrypt/i.test(e.message ?? '')) {
    return 'Wrong key passphrase: the client key could not be decrypted.'
  }
  if (/key values mismatch|KEY_VALUES_MISMATCH/i.test(e.message ?? '')) {
    return 'The client key does not belong to the client certificate.'
  }
  return `The TLS files could not be used: ${e.message ?? String(error)}`
}

function readTlsFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code
    throw new ProfileError(`Cannot read the ${what} file ${file} (${why}).`)
  }
}
