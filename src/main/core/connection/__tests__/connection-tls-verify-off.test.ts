import * as fs from 'node:fs'
import * as tls from 'node:tls'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  describeWithMosquitto,
  coreHarnessForSuite
} from '../../../../../test-support/vitest-suites'
import type { MosquittoBroker } from '../../../../../test-support/mosquitto'
import { tlsSchema, type Transport } from '../../../../shared/schemas'

const NEEDS_CERT =
  'The broker requires a client certificate: choose a client certificate and key signed by a CA the broker trusts.'
const UNKNOWN_CA =
  'The broker does not trust this client certificate (it was signed by an unknown CA).'

/**
 * A TLS 1.2-only server that requires a client certificate from the test CA, as a broker
 * limited to TLS 1.2 would: there the refusal comes inside the handshake (in TLS 1.3, just
 * after it). Mosquitto 2.0 cannot be capped at 1.2 (its tls_version is a minimum).
 */
async function tls12Server(broker: MosquittoBroker): Promise<tls.Server> {
  const certs = broker.certs!
  const server = tls.createServer({
    key: fs.readFileSync(certs.serverKey),
    cert: fs.readFileSync(certs.serverCert),
    ca: fs.readFileSync(certs.caCert),
    requestCert: true,
    rejectUnauthorized: true,
    maxVersion: 'TLSv1.2'
  })
  server.on('tlsClientError', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

// "Verify server certificate" off must only skip checking the server: a handshake the server
// refuses still has to reach the user in plain words, once, not as "could not connect" retried.
const BROKER = { tls: true, wss: true }

describeWithMosquitto('"Verify server certificate" off (real Mosquitto)', BROKER, (broker) => {
  const app = coreHarnessForSuite()
  let server12: tls.Server
  let n = 0

  beforeAll(async () => {
    server12 = await tls12Server(broker)
  })
  afterAll(async () => {
    await new Promise((resolve) => server12?.close(resolve))
  })

  async function errorOf(
    transport: Transport,
    port: number,
    cert: 'none' | 'other'
  ): Promise<string> {
    const id = `off-${++n}`
    const certs = broker.certs!
    await app.saveProfile({
      id,
      name: id,
      clientId: id,
      transport,
      host: '127.0.0.1',
      port,
      tls: tlsSchema.parse({
        verify: false,
        ...(cert === 'other' ? { cert: certs.otherClientCert, key: certs.otherClientKey } : {})
      })
    })
    await app.invoke('connection:open', { profileId: id })
    const status = await app.waitForState(id, 'error')
    // Fatal, said once: no retry is scheduled.
    expect(status.nextRetryAt).toBeUndefined()
    return status.message ?? ''
  }

  const port = (where: 'mqtts' | 'wss' | 'tls 1.2'): number =>
    where === 'tls 1.2'
      ? (server12.address() as { port: number }).port
      : where === 'wss'
        ? broker.ports.wss!
        : broker.ports.tls!

  it.each(['mqtts', 'wss', 'tls 1.2'] as const)(
    '%s without a client certificate: the broker requires one',
    async (where) => {
      const transport = where === 'wss' ? 'wss' : 'mqtts'
      expect(await errorOf(transport, port(where), 'none')).toBe(NEEDS_CERT)
    }
  )

  // Not against the TLS 1.2 stand-in: node's server drops an untrusted client certificate
  // without the "unknown CA" alert that Mosquitto (OpenSSL) sends.
  it.each(['mqtts', 'wss'] as const)(
    '%s with a client certificate from another CA: the broker does not trust it',
    async (where) => {
      const transport = where === 'wss' ? 'wss' : 'mqtts'
      expect(await errorOf(transport, port(where), 'other')).toBe(UNKNOWN_CA)
    }
  )
})
