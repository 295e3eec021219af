import * as fs from 'node:fs'
import { csvParse } from 'd3'
import { connectProfile } from '../test-support/ws-api'
import { waitUntil } from '../test-support/wait'
import { expect, test } from './fixtures/app'

// Each test captures through a profile set up with the same API the UI uses.
test.beforeEach(async ({ broker, api }) => {
  await connectProfile(api, broker, {
    id: 'lab',
    name: 'Lab',
    clientId: 'e2e-capture',
    topics: [{ filter: 'lab/#', qos: 1 }]
  })
})

test('what was captured before a restart is charted and exported after it', async ({
  page,
  broker,
  app,
  api,
  serve
}) => {
  const dataDir = app.dataDir
  // Capture 40 readings.
  const before = Array.from(
    { length: 40 },
    (_, i) => `${(10 + i / 10).toFixed(2)},${(990 + i).toFixed(2)},${(5 + i).toFixed(2)}`
  )
  await broker.publish('lab/esp32.out', before, { qos: 1 })
  await waitUntil(
    async () => (await api.invoke('capture:list')).reduce((n, c) => n + c.messages, 0) >= 40,
    '40 captured messages'
  )
  await api.close()
  await app.stop()

  // A new server process on the same data folder.
  const restarted = await serve([], { dataDir })
  await page.goto(restarted.url)
  const chart = page.getByRole('figure', { name: /temperature.*chart/ })
  await expect
    .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(2)
  await expect(page.getByRole('list', { name: /°C legend/ })).toContainText(/13\.90? °C/)

  const captures = page.getByRole('region', { name: 'Captures' })
  await expect(captures.getByRole('cell', { name: '40', exact: true })).toBeVisible()

  const downloadPromise = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export CSV' }).click()
  await page
    .getByRole('dialog', { name: 'Export CSV' })
    .getByRole('button', { name: 'Export', exact: true })
    .click()
  const file = test.info().outputPath('after-restart.csv')
  await (await downloadPromise).saveAs(file)
  const rows = csvParse(fs.readFileSync(file, 'utf8').replace(/^\ufeff/, ''))
  const values = rows
    .filter((r) => r.topic === 'lab/esp32.out')
    .map((r) => `${r['temperature (°C)']},${r['pressure (hPa)']},${r['altitude (m)']}`)
  expect(values).toEqual(before)
})

test('after a crash that tore the journal, the page says what was repaired and keeps the rest', async ({
  page,
  broker,
  app,
  api,
  serve
}) => {
  const dataDir = app.dataDir
  const readings = Array.from({ length: 25 }, (_, i) => `${20 + i}.25,1000.5,${i}.5`)
  await broker.publish('lab/crash', readings, { qos: 1 })
  // Wait until the last reading is in the journal file on disk, then kill the server.
  const captures = `${dataDir}/captures`
  const partFile = (): string | undefined => {
    for (const c of fs.existsSync(captures) ? fs.readdirSync(captures) : []) {
      const file = `${captures}/${c}/part-000001.jnl`
      if (fs.existsSync(file) && fs.readFileSync(file).includes(readings[24])) return file
    }
    return undefined
  }
  await waitUntil(() => partFile() !== undefined, 'the readings on disk')
  await api.close()
  await app.kill()
  // The crash cut the next record short: its length and part of its body are on disk.
  fs.appendFileSync(partFile()!, Buffer.from([40, 0, 0, 0, 1, 2, 3, 4, 3, 0, 0]))

  const restarted = await serve([], { dataDir })
  await page.goto(restarted.url)
  await expect(page.getByRole('list', { name: 'Notices' })).toContainText(
    'the last record was cut off by a crash and was skipped.'
  )
  await expect(
    page.getByRole('region', { name: 'Captures' }).getByRole('cell', { name: '25', exact: true })
  ).toBeVisible()
})
