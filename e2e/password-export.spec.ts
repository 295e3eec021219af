import * as fs from 'node:fs'
import { csvParse } from 'd3'
import { waitForSubscribe } from '../test-support/broker-log'
import { expect, test } from './fixtures/app'
import { openNewProfile } from './fixtures/profile-form'

test('settings filled by label connect with a password, and 100 published readings export to CSV', async ({
  page,
  broker,
  app
}) => {
  await openNewProfile(page, app.url, { name: 'Bench broker', port: broker.ports.password! })
  await page.getByLabel('Transport', { exact: true }).selectOption('mqtt')
  await page.getByLabel('Username', { exact: true }).fill('sensor')
  await page.getByLabel('Password', { exact: true }).fill(broker.users.sensor)
  await page.getByLabel('Client ID', { exact: true }).fill('e2e-password-client')
  await page.getByLabel('Topics', { exact: true }).fill('lab/esp32.out 1')
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText(/Bench broker: connected/)
  await waitForSubscribe(broker, 'e2e-password-client')

  const published = Array.from(
    { length: 100 },
    (_, i) => `${(20 + i / 10).toFixed(2)},${(1000 + i).toFixed(2)},${(50 + i / 4).toFixed(2)}`
  )
  await broker.publish('lab/esp32.out', published, { qos: 1, port: 'password' })
  const stats = page.getByRole('region', { name: 'Topic statistics' })
  await expect(stats.getByRole('row').filter({ hasText: 'lab/esp32.out' })).toContainText('100')

  const downloadPromise = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export CSV' }).click()
  const dialog = page.getByRole('dialog', { name: 'Export CSV' })
  await expect(dialog.getByRole('checkbox', { name: 'lab/esp32.out' })).toBeChecked()
  await dialog.getByRole('button', { name: 'Export', exact: true }).click()
  const download = await downloadPromise
  const file = test.info().outputPath('export.csv')
  await download.saveAs(file)
  await expect(page.getByText(/Exported 100 rows/)).toBeVisible()

  const rows = csvParse(fs.readFileSync(file, 'utf8').replace(/^\ufeff/, ''))
  expect(rows.columns).toEqual([
    'time',
    'epoch_ms',
    'topic',
    'temperature (°C)',
    'pressure (hPa)',
    'altitude (m)'
  ])
  expect(rows.length).toBe(100)
  expect(
    rows.map((r) => `${r['temperature (°C)']},${r['pressure (hPa)']},${r['altitude (m)']}`)
  ).toEqual(published)
  for (const r of rows) {
    expect(r.topic).toBe('lab/esp32.out')
    expect(new Date(r.time!).getTime()).toBe(Number(r.epoch_ms))
  }
})
