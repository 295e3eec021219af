// The database store in the real UI (serve mode, Debian's Chromium), against a real Mosquitto
// and a real PostgreSQL: set up by label, tested, writing; the lag shown while the database is
// down and back to zero after; history and a CSV from the database.
import * as fs from 'node:fs'
import { csvParse } from 'd3'
import { waitForSubscribe } from '../test-support/broker-log'
import { postgresAvailable, startPostgres, type PostgresServer } from '../test-support/postgres'
import { expect, test } from './fixtures/app'
import { openNewProfile } from './fixtures/profile-form'

const postgres = postgresAvailable()
if (!postgres.ok) console.warn(`\n*** SKIPPING the database store spec: ${postgres.reason} ***\n`)
test.skip(!postgres.ok, `PostgreSQL is not available: ${postgres.ok ? '' : postgres.reason}`)
test.use({ mosquitto: { anonymous: true, password: false } })

let pg: PostgresServer

test.beforeAll(async () => {
  pg = await startPostgres()
})
test.afterAll(async () => {
  await pg?.close()
})

test('the store is set up by label, shows its lag while the database is down, and charts and exports history', async ({
  page,
  broker,
  app
}) => {
  test.setTimeout(180_000)
  await openNewProfile(page, app.url, { name: 'Plant', port: broker.ports.anonymous! })
  await page.getByLabel('Client ID', { exact: true }).fill('e2e-store-client')
  await page.getByLabel('Topics', { exact: true }).fill('plant/# 1')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await waitForSubscribe(broker, 'e2e-store-client')

  const store = page.getByRole('region', { name: 'Database store' })
  await expect(store).toContainText('Off: no database is set up.')
  await store.getByLabel('Database URL').fill(pg.url)
  await store.getByLabel('Database password', { exact: true }).fill(pg.password)
  await store.getByLabel('TLS (sslmode)').selectOption('disable')
  await store.getByLabel('Schema').fill('e2e')
  await store.getByRole('button', { name: 'Test connection' }).click()
  await expect(store.getByText(/^Connected to PostgreSQL \d+/)).toBeVisible()
  await expect(store.getByText(/tables will be made in schema "e2e" on first use/)).toBeVisible()
  await store.getByLabel('Write captures to the database').check()
  await store.getByRole('button', { name: 'Apply database settings' }).click()
  await expect(store.getByText('Saved.')).toBeVisible()
  await expect(store).toContainText('Up to date: 0 readings stored')
  // The password is kept with the secrets, never shown again.
  await expect(store.getByLabel('Database password', { exact: true })).toHaveValue('')
  await expect(store.getByText('(saved — leave empty to keep)')).toBeVisible()

  const now = Date.now()
  const payloads = (from: number, n: number): string[] =>
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({ ts: now - 600_000 + (from + i) * 1000, temp: 20 + (from + i) / 100 })
    )
  await broker.publish('plant/hall', payloads(0, 300), { qos: 1 })
  await expect(store).toContainText('Up to date: 300 readings stored', { timeout: 20_000 })

  // The database goes away: capture goes on, and the lag is shown.
  await pg.stop()
  await broker.publish('plant/hall', payloads(300, 200), { qos: 1 })
  await expect(store).toContainText(/Cannot write: .*refused the connection/, { timeout: 20_000 })
  await expect(store).toContainText('200 messages', { timeout: 20_000 })
  await expect(store).toContainText('wait in the journal')
  await pg.start()
  await expect(store).toContainText('Up to date: 500 readings stored', { timeout: 60_000 })

  const history = page.getByRole('region', { name: 'History from the database' })
  await history.getByRole('button', { name: 'Ask the database again' }).click()
  await history.getByRole('checkbox', { name: /plant\/hall · temp/ }).check()
  await history.getByLabel('Range').selectOption('hour')
  await history.getByRole('button', { name: 'Show history' }).click()
  await expect(history.getByRole('list', { name: 'History legend' })).toContainText(
    /plant\/hall · temp: 500 readings in \d+ buckets/
  )
  await expect(
    history.getByRole('img', { name: /History of 1 series from the database \(500 readings/ })
  ).toBeVisible()

  const downloadPromise = page.waitForEvent('download')
  await history.getByRole('button', { name: 'Export from the database (CSV)' }).click()
  const download = await downloadPromise
  const file = test.info().outputPath('database.csv')
  await download.saveAs(file)
  await expect(history.getByText(/Exported 500 rows/)).toBeVisible()
  const rows = csvParse(fs.readFileSync(file, 'utf8').replace(/^\ufeff/, ''))
  expect(rows.columns).toEqual([
    'time',
    'epoch_ms',
    'connection',
    'topic',
    'field',
    'unit',
    'value'
  ])
  expect(rows.length).toBe(500)
  expect(rows.map((r) => Number(r.value))).toEqual(
    Array.from({ length: 500 }, (_, i) => 20 + i / 100)
  )
  for (const r of rows) {
    expect(r).toMatchObject({ connection: 'Plant', topic: 'plant/hall', field: 'temp' })
    expect(new Date(r.time!).getTime()).toBe(Number(r.epoch_ms))
  }
})
