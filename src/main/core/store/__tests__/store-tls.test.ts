// The store's TLS settings against a real PostgreSQL with ssl on: each sslmode does what
// libpq's does, and a wrong CA, a name mismatch or a refused TLS come back in plain words.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeSettingsSchema, type StoreSettings } from '../../../../shared/schemas'
import { makeTestCerts, type TestCerts } from '../../../../../test-support/certs'
import {
  postgresAvailable,
  startPostgres,
  type PostgresServer
} from '../../../../../test-support/postgres'
import { PgStore } from '../pg-store'

const available = postgresAvailable()
if (!available.ok) console.warn(`*** SKIPPING store TLS tests: ${available.reason} ***`)

describe.skipIf(!available.ok)('the store over TLS', () => {
  let tlsServer: PostgresServer
  let plainServer: PostgresServer
  let certs: TestCerts
  let dir: string

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-tls-'))
    certs = await makeTestCerts(path.join(dir, 'certs'))
    ;[tlsServer, plainServer] = await Promise.all([
      startPostgres({ tls: { cert: certs.serverCert, key: certs.serverKey } }),
      startPostgres()
    ])
  })
  afterAll(async () => {
    await tlsServer?.close()
    await plainServer?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  const test = async (
    server: PostgresServer,
    settings: Partial<StoreSettings>,
    host = '127.0.0.1'
  ): Promise<{ ok: boolean; message: string }> => {
    const store = new PgStore({
      connection: {
        settings: storeSettingsSchema.parse({
          enabled: true,
          url: `postgres://${server.user}@${host}:${server.port}/${server.database}`,
          ...settings
        }),
        password: server.password
      },
      writerName: 'tls-test'
    })
    try {
      return await store.test()
    } finally {
      await store.close()
    }
  }

  it('checks the certificate against the CA file, and the host name with verify-full', async () => {
    expect(await test(tlsServer, { sslmode: 'verify-full', caFile: certs.caCert })).toMatchObject({
      ok: true,
      message: expect.stringMatching(/^Connected to PostgreSQL \d+.* over TLS\./)
    })
    expect(
      await test(tlsServer, { sslmode: 'verify-full', caFile: certs.caCert }, 'localhost')
    ).toMatchObject({ ok: true })
    expect(await test(tlsServer, { sslmode: 'verify-ca', caFile: certs.otherCaCert })).toEqual({
      ok: false,
      message: expect.stringMatching(
        /^The database's certificate is not trusted: choose the CA file/
      )
    })
    expect(await test(tlsServer, { sslmode: 'verify-full', caFile: '/nowhere/ca.pem' })).toEqual({
      ok: false,
      message: 'Cannot read the CA file /nowhere/ca.pem (file not found).'
    })
  })

  it('encrypts without checking under require and prefer, and not at all under disable', async () => {
    expect(await test(tlsServer, { sslmode: 'require' })).toMatchObject({
      ok: true,
      message: expect.stringContaining(' over TLS.')
    })
    expect(await test(tlsServer, { sslmode: 'prefer' })).toMatchObject({
      message: expect.stringContaining(' over TLS.')
    })
    expect(await test(tlsServer, { sslmode: 'disable' })).toMatchObject({
      message: expect.stringContaining(' without TLS.')
    })
  })

  it('falls back to plain under prefer where the server has no TLS, and says so under require', async () => {
    expect(await test(plainServer, { sslmode: 'prefer' })).toMatchObject({
      ok: true,
      message: expect.stringContaining(' without TLS.')
    })
    expect(await test(plainServer, { sslmode: 'require' })).toEqual({
      ok: false,
      message: 'The database does not accept TLS: choose sslmode "disable" or "prefer".'
    })
  })

  it('says what is wrong with the password, the database name and the port', async () => {
    const wrong = new PgStore({
      connection: {
        settings: storeSettingsSchema.parse({ url: plainServer.url, sslmode: 'disable' }),
        password: 'not-it'
      },
      writerName: 'tls-test'
    })
    expect(await wrong.test()).toEqual({
      ok: false,
      message: 'The database refused the password of user "postgres".'
    })
    expect(
      await test(plainServer, { sslmode: 'disable', url: `${plainServer.url}_missing` })
    ).toEqual({
      ok: false,
      message: `There is no database "postgres_missing" at 127.0.0.1:${plainServer.port}.`
    })
  })
})
