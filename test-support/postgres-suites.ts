// Vitest-only suite set-ups for the database store (like vitest-suites.ts for Mosquitto):
//
//   describeWithPostgres('what it checks (real PostgreSQL)', {}, (pg) => {
//     it('…', async () => { await pg.query('SELECT 1') })
//   })
//
// and inside a describeWithMosquitto block that also needs a database:
//
//   describeWithMosquitto('…', { skip: postgresSkipReason() }, (broker) => {
//     const pg = postgresForSuite()
//   })
import { afterAll, beforeAll, describe } from 'vitest'
import {
  postgresAvailable,
  startPostgres,
  type PostgresOptions,
  type PostgresServer
} from './postgres'
import { filledInBeforeAll } from './vitest-suites'

/** Why suites that need PostgreSQL cannot run here ('' when they can). */
export function postgresSkipReason(): string {
  const available = postgresAvailable()
  return available.ok ? '' : `PostgreSQL is not available: ${available.reason}`
}

/** A server for the enclosing describe block: started in beforeAll, closed in afterAll. */
export function postgresForSuite(options: PostgresOptions = {}): PostgresServer {
  const server = filledInBeforeAll<PostgresServer>('the PostgreSQL server')
  let started: PostgresServer | undefined
  beforeAll(async () => {
    started = await startPostgres(options)
    server.fill(started)
  })
  afterAll(async () => {
    await started?.close()
  })
  return server.value
}

/**
 * A describe block with a real PostgreSQL (started with `options`) handed to `body`; without
 * one the suite is skipped and the reason printed loudly.
 */
export function describeWithPostgres(
  name: string,
  options: PostgresOptions,
  body: (pg: PostgresServer) => void
): void {
  const reason = postgresSkipReason()
  if (reason) console.warn(`\n*** SKIPPING "${name}": ${reason} ***\n`)
  describe.skipIf(Boolean(reason))(name, () => {
    body(postgresForSuite(options))
  })
}
