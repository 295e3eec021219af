import { createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { SecureContextOptions } from 'node:tls'
import { afterAll, describe, expect, it } from 'vitest'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { mosquittoAvailable, startMosquitto } from '../mosquitto'
import { describeWithMosquitto } from '../vitest-suites'
import { canConnect } from '../ports'

// The errors suite starts its own brokers inside its tests.
const available = mosquittoAvailable()
if (!available.ok)
  console.warn(`\n*** SKIPPING Mosquitto fixture errors: ${available.reason} ***\n`)

const clients: MqttClient[] = []

// mqtt.js passes `passphrase` through to tls.connect but does not declare it.
type ConnectOptions = IClientOptions & Pick<SecureContextOptions, 'passphrase'>

/** Connects once (no retries); rejects on refusal or close. */
async function connect(url: string, opts: ConnectOptions = {}): Promise<MqttClient> {
  const options = { reconnectPeriod: 0, connectTimeout: 10_000, ...opts }
  const client = await mqtt.connectAsync(url, options, false)
  clients.push(client)
  return client
}

/**
 * Collects `n` payloads on `client`. Listens right away: queued messages of a persistent
 * session can arrive in the same read as the CONNACK.
 */
function collect(client: MqttClient, n: number, timeoutMs = 20_000): Promise<string[]> {
  const got: string[] = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`got ${got.length}/${n} messages: ${got.slice(-3).join(' | ')}`)),
      timeoutMs
    )
    client.on('message', (_topic, payload) => {
      got.push(payload.toString())
      if (got.length === n) {
        clearTimeout(timer)
        resolve(got)
      }
    })
  })
}

const numbered = (n: number, prefix: string): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}-${i}`)

const BROKER = { tls: true, websockets: true, persistence: true }

describeWithMosquitto('mosquitto fixture (real broker)', BROKER, (broker) => {
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)))
  })

  it('listens on distinct loopback ports and writes its config and log in its dir', () => {
    const ports = Object.values(broker.ports)
    expect(ports).toHaveLength(4)
    expect(new Set(ports).size).toBe(4)
    expect(readFileSync(broker.configFile, 'utf8')).toContain('per_listener_settings true')
    expect(broker.logFile.startsWith(broker.dir)).toBe(true)
    expect(broker.url('websockets')).toBe(`ws://127.0.0.1:${broker.ports.websockets}`)
  })

  it('delivers 100 payloads published in one mosquitto_pub on the anonymous listener', async () => {
    const client = await connect(broker.url('anonymous'))
    await client.subscribeAsync('fx/anon', { qos: 1 })
    const received = collect(client, 100)
    await broker.publish('fx/anon', numbered(100, 'a'), { qos: 1 })
    expect(await received).toEqual(numbered(100, 'a'))
  })

  it('accepts the right password and refuses a wrong one or none', async () => {
    const [[username, password]] = Object.entries(broker.users)
    const url = broker.url('password')
    const client = await connect(url, { username, password })
    await client.subscribeAsync('fx/pw', { qos: 1 })
    const received = collect(client, 2)
    await broker.publish('fx/pw', ['one', 'two'], { port: 'password', qos: 1 })
    expect(await received).toEqual(['one', 'two'])

    await expect(connect(url, { username, password: 'wrong' })).rejects.toThrow(/authori/i)
    await expect(connect(url)).rejects.toThrow(/authori/i)
  })

  it('serves MQTT over websockets', async () => {
    const client = await connect(broker.url('websockets'))
    await client.subscribeAsync('fx/ws', { qos: 0 })
    const received = collect(client, 1)
    await broker.publish('fx/ws', 'over-ws')
    expect(await received).toEqual(['over-ws'])
  })

  it('makes a passphrase-protected PKCS#8 client key', () => {
    const certs = broker.certs!
    const pem = readFileSync(certs.clientKey, 'utf8')
    expect(pem).toContain('BEGIN ENCRYPTED PRIVATE KEY')
    expect(() => createPrivateKey({ key: pem, passphrase: 'wrong' })).toThrow()
    const key = createPrivateKey({ key: pem, passphrase: certs.passphrase })
    const plain = createPrivateKey(readFileSync(certs.clientKeyPlain))
    expect(key.export({ type: 'pkcs8', format: 'pem' })).toBe(
      plain.export({ type: 'pkcs8', format: 'pem' })
    )
  })

  it('accepts TLS with the client certificate and encrypted key', async () => {
    const certs = broker.certs!
    const client = await connect(broker.url('tls'), {
      ca: readFileSync(certs.caCert),
      cert: readFileSync(certs.clientCert),
      key: readFileSync(certs.clientKey),
      passphrase: certs.passphrase
    })
    await client.subscribeAsync('fx/tls', { qos: 1 })
    const received = collect(client, 1)
    await broker.publish('fx/tls', 'over-tls', { qos: 1 })
    expect(await received).toEqual(['over-tls'])
  })

  it('refuses TLS without a client cert, with a foreign client cert, or an untrusted server', async () => {
    const certs = broker.certs!
    const url = broker.url('tls')
    const ca = readFileSync(certs.caCert)
    await expect(connect(url, { ca })).rejects.toThrow(/certificate required/i)
    await expect(
      connect(url, {
        ca,
        cert: readFileSync(certs.otherClientCert),
        key: readFileSync(certs.otherClientKey)
      })
    ).rejects.toThrow(/unknown ca/i)
    await expect(
      connect(url, {
        ca: readFileSync(certs.otherCaCert),
        cert: readFileSync(certs.clientCert),
        key: readFileSync(certs.clientKeyPlain)
      })
    ).rejects.toThrow(/self.signed|certificate/i)
  })

  it('restarts on the same ports and keeps persistent sessions', async () => {
    const ports = { ...broker.ports }
    const session = { clientId: 'fx-persistent', clean: false }
    const first = await connect(broker.url('anonymous'), session)
    await first.subscribeAsync('fx/persist', { qos: 1 })
    await first.endAsync()

    await broker.publish('fx/persist', ['while-offline-1', 'while-offline-2'], { qos: 1 })
    await broker.stop()
    expect(await canConnect(ports.anonymous!)).toBe(false)
    await expect(broker.publish('fx/persist', 'nobody-home')).rejects.toThrow(/mosquitto_pub/)

    await broker.start()
    expect(broker.ports).toEqual(ports)
    const second = mqtt.connect(broker.url('anonymous'), { ...session, reconnectPeriod: 0 })
    clients.push(second)
    expect(await collect(second, 2)).toEqual(['while-offline-1', 'while-offline-2'])
  })
})

describe.skipIf(!available.ok)('mosquitto fixture errors', { timeout: 30_000 }, () => {
  it('rejects a config without a TCP listener', async () => {
    await expect(
      startMosquitto({ anonymous: false, password: false, websockets: true })
    ).rejects.toThrow(/at least one/)
  })

  it('reports the broker log when mosquitto exits early', async () => {
    const broker = await startMosquitto({ password: false })
    try {
      await broker.stop()
      const blocker = createServer()
      await new Promise<void>((resolve) =>
        blocker.listen(broker.ports.anonymous, '127.0.0.1', resolve)
      )
      try {
        await expect(broker.start()).rejects.toThrow(/exited early[\s\S]*in use/i)
      } finally {
        await new Promise((resolve) => blocker.close(resolve))
      }
      await broker.start()
      expect(await canConnect(broker.ports.anonymous!)).toBe(true)
    } finally {
      await broker.close()
    }
  })
})
