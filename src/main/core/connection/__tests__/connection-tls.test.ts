import { beforeAll, expect, it } from 'vitest'
import {
  describeWithMosquitto,
  coreHarnessForSuite
} from '../../../../../test-support/vitest-suites'
import type { TestCerts } from '../../../../../test-support/mosquitto'
import { tlsSchema, type Profile, type TlsConfig } from '../../../../shared/schemas'
import { logMark, readings, waitForSubscribe } from '../../../../../test-support/broker-log'

const TLS = { tls: true, wss: true }

describeWithMosquitto('TLS with a required client certificate (real Mosquitto)', TLS, (broker) => {
  const app = coreHarnessForSuite()
  let certs: TestCerts
  let n = 0

  beforeAll(() => {
    certs = broker.certs!
  })

  /** The profile that works: our CA, our client certificate, its passphrase-protected key. */
  const good = (): Partial<TlsConfig> => ({
    ca: certs.caCert,
    cert: certs.clientCert,
    key: certs.clientKey
  })

  async function open(
    tls: Partial<TlsConfig>,
    passphrase: string | undefined,
    more: Partial<Profile> = {}
  ): Promise<string> {
    const id = `tls-${++n}`
    await app.saveProfile(
      {
        id,
        name: id,
        clientId: `tls-client-${n}`,
        transport: 'mqtts',
        host: '127.0.0.1',
        port: broker.ports.tls!,
        topics: [{ filter: `tls/${id}`, qos: 1 }],
        tls: tlsSchema.parse(tls),
        ...more
      } as never,
      undefined,
      passphrase
    )
    await app.invoke('connection:open', { profileId: id })
    return id
  }

  async function errorOf(
    tls: Partial<TlsConfig>,
    passphrase?: string,
    more?: Partial<Profile>
  ): Promise<string | undefined> {
    const id = await open(tls, passphrase, more)
    const status = await app.waitForState(id, 'error')
    // Fatal: no retry is scheduled, the status stays an error.
    expect(status.nextRetryAt).toBeUndefined()
    return status.message
  }

  async function roundTrip(id: string, mark: number): Promise<void> {
    await app.waitForState(id, 'connected')
    await waitForSubscribe(broker, `tls-client-${n}`, mark)
    await broker.publish(`tls/${id}`, readings(3), { qos: 1 })
    expect(await app.waitForCount(`tls/${id}`, 'temperature', 3)).toEqual([0, 1, 2])
  }

  it('connects with the passphrase-protected key and the right passphrase, and receives', async () => {
    const mark = logMark(broker)
    const id = await open(good(), certs.passphrase)
    await roundTrip(id, mark)
  })

  it('honours minimum TLS version 1.3 and ALPN protocols', async () => {
    const mark = logMark(broker)
    const id = await open({ ...good(), minVersion: 'TLSv1.3', alpn: ['mqtt'] }, certs.passphrase)
    await roundTrip(id, mark)
  })

  it('connects over wss (websockets + TLS, client certificate, path)', async () => {
    const mark = logMark(broker)
    const id = await open(good(), certs.passphrase, {
      transport: 'wss',
      port: broker.ports.wss!,
      path: 'mqtt'
    })
    await roundTrip(id, mark)
  })

  it('says a wrong key passphrase in plain words', async () => {
    expect(await errorOf(good(), 'not-the-passphrase')).toBe(
      'Wrong key passphrase: the client key could not be decrypted.'
    )
  })

  it('asks for the passphrase when the key is protected and none is saved', async () => {
    expect(await errorOf(good(), undefined)).toBe(
      'The client key is protected by a passphrase: enter it in "Key passphrase".'
    )
  })

  it('says the server certificate is not trusted when the CA is unknown', async () => {
    expect(await errorOf({ ...good(), ca: certs.otherCaCert }, certs.passphrase)).toBe(
      'Server certificate not trusted: it is not signed by the CA certificate you chose (or a system CA).'
    )
  })

  it('connects to the same server with "Verify server certificate" off', async () => {
    const mark = logMark(broker)
    const id = await open({ ...good(), ca: certs.otherCaCert, verify: false }, certs.passphrase)
    await roundTrip(id, mark)
  })

  it('says the server name does not match, naming the name it checked (SNI override)', async () => {
    expect(await errorOf({ ...good(), servername: 'wrong.example' }, certs.passphrase)).toBe(
      `Server name does not match the certificate: wrong.example is not a name in the server's certificate. Set "Server name (SNI)" to a name the certificate holds.`
    )
  })

  it('checks the server name over wss too', async () => {
    const wss = { transport: 'wss' as const, port: broker.ports.wss! }
    expect(
      await errorOf({ ...good(), servername: 'wrong.example' }, certs.passphrase, wss)
    ).toMatch(/^Server name does not match the certificate: wrong\.example is not a name/)
    expect(await errorOf({ ...good(), ca: certs.otherCaCert }, certs.passphrase, wss)).toMatch(
      /^Server certificate not trusted/
    )
  })

  it('connects with a Server name (SNI) the certificate holds', async () => {
    const mark = logMark(broker)
    const id = await open({ ...good(), servername: 'localhost' }, certs.passphrase)
    await roundTrip(id, mark)
  })

  it('says the broker requires a client certificate when none is given', async () => {
    expect(await errorOf({ ca: certs.caCert }, undefined)).toBe(
      'The broker requires a client certificate: choose a client certificate and key signed by a CA the broker trusts.'
    )
  })

  it('says the broker does not trust a client certificate from another CA', async () => {
    const tls = { ca: certs.caCert, cert: certs.otherClientCert, key: certs.otherClientKey }
    expect(await errorOf(tls, undefined)).toBe(
      'The broker does not trust this client certificate (it was signed by an unknown CA).'
    )
  })

  it('says which TLS file cannot be read', async () => {
    expect(await errorOf({ ...good(), ca: '/nonexistent/ca.crt' }, certs.passphrase)).toBe(
      'Cannot read the CA certificate file /nonexistent/ca.crt (file not found).'
    )
  })

  it('says a plain MQTT connection to the TLS port was reset, and suggests mqtts', async () => {
    const id = await open({}, undefined, { transport: 'mqtt' })
    const status = await app.waitForState(id, 'reconnecting')
    expect(status.message).toBe(
      `The connection to 127.0.0.1:${broker.ports.tls} was reset before the broker answered: check that this port speaks plain MQTT (or choose mqtts/wss).`
    )
    await app.invoke('connection:close', { profileId: id })
  })
})
