// The PostgreSQL fixture every store test, spec and benchmark shares: a real server from a
// temporary folder on a free port, with password authentication, that stops and starts again.
import * as fs from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresAvailable, startPostgres, type PostgresServer } from '../postgres'

const available = postgresAvailable()
if (!available.ok) console.warn(`*** SKIPPING PostgreSQL fixture tests: ${available.reason} ***`)

describe.skipIf(!available.ok)('the PostgreSQL fixture', () => {
  let server: PostgresServer

  beforeAll(async () => {
    server = await startPostgres()
  })
  afterAll(async () => {
    await server?.close()
  })

  it('runs a real server on its port, as the postgres user when started as root', async () => {
    const version = await server.query<{ v: string }>(
      "SELECT current_setting('server_version') AS v"
    )
    expect(version.rows[0].v).toMatch(/^\d+\.\d+/)
    const port = await server.query<{ p: string }>("SELECT current_setting('port') AS p")
    expect(Number(port.rows[0].p)).toBe(server.port)
    const dataDir = await server.query<{ d: string }>(
      "SELECT current_setting('data_directory') AS d"
    )
    expect(dataDir.rows[0].d.startsWith(server.dir)).toBe(true)
    if (process.getuid?.() === 0) {
      const owner = fs.statSync(dataDir.rows[0].d).uid
      const postgresUid = Number(
        fs
          .readFileSync('/etc/passwd', 'utf8')
          .split('\n')
          .find((l) => l.startsWith('postgres:'))!
          .split(':')[2]
      )
      expect(owner).toBe(postgresUid)
    }
  })

  it('asks for the password over TCP and refuses a wrong one', async () => {
    const wrong = new pg.Client({
      host: server.host,
      port: server.port,
      user: server.user,
      password: 'not-the-password',
      database: server.database
    })
    await expect(wrong.connect()).rejects.toMatchObject({ code: '28P01' })
    await wrong.end().catch(() => undefined)
    const right = await server.client()
    expect((await right.query('SELECT 1 AS one')).rows[0].one).toBe(1)
    await right.end()
  })

  it('keeps its data across stop and start on the same port', async () => {
    await server.query('CREATE TABLE kept (n int)')
    await server.query('INSERT INTO kept VALUES (42)')
    await server.stop()
    await expect(server.query('SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    await server.start()
    expect((await server.query('SELECT n FROM kept')).rows).toEqual([{ n: 42 }])
  })

  it('ends the sessions of one application name', async () => {
    const victim = new pg.Client({
      host: server.host,
      port: server.port,
      user: server.user,
      password: server.password,
      database: server.database,
      application_name: 'fixture-victim'
    })
    victim.on('error', () => undefined)
    await victim.connect()
    expect(await server.terminate('fixture-victim')).toBe(1)
    await expect(victim.query('SELECT 1')).rejects.toThrow()
    await victim.end().catch(() => undefined)
  })

  it('removes its folder when closed', async () => {
    const other = await startPostgres()
    expect(fs.existsSync(other.dir)).toBe(true)
    await other.close()
    expect(fs.existsSync(other.dir)).toBe(false)
  })
})
