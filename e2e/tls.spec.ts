import * as fs from 'node:fs'
import { waitForSubscribe } from '../test-support/broker-log'
import { expect, test } from './fixtures/app'
import { openNewProfile } from './fixtures/profile-form'

test.use({ mosquitto: { anonymous: true, password: false, tls: true } })

test('a TLS profile with a passphrase-protected key, entered in the settings form, connects and charts', async ({
  page,
  broker,
  app
}) => {
  const certs = broker.certs!
  await openNewProfile(page, app.url, { name: 'TLS lab', port: broker.ports.tls! })
  // TLS fields appear only for mqtts and wss.
  await expect(page.getByLabel('CA certificate', { exact: true })).toHaveCount(0)
  await page.getByLabel('Transport', { exact: true }).selectOption('mqtts')
  await page.getByLabel('Protocol version', { exact: true }).selectOption('5.0')
  // Serve mode: files are typed paths on the serving machine, no file dialog.
  await expect(page.getByRole('button', { name: /Choose/ })).toHaveCount(0)
  await page.getByLabel('CA certificate', { exact: true }).fill(certs.caCert)
  await page.getByLabel('Client certificate', { exact: true }).fill(certs.clientCert)
  await page.getByLabel('Client key', { exact: true }).fill(certs.clientKey)
  await page.getByLabel('Key passphrase', { exact: true }).fill('not-the-passphrase')
  await expect(page.getByLabel('Verify server certificate')).toBeChecked()
  await page.getByLabel('Minimum TLS version', { exact: true }).selectOption('TLSv1.2')
  await page.getByLabel('Client ID', { exact: true }).fill('e2e-tls-client')
  await page.getByLabel('Clean session').uncheck()
  await expect(page.getByLabel('Session expiry (s)', { exact: true })).toHaveValue('86400')
  await page.getByLabel('Keep-alive (s)', { exact: true }).fill('30')
  await page.getByLabel('Topics', { exact: true }).fill('tls/esp32.out')
  await page.getByLabel('QoS for tls/esp32.out').selectOption('1')
  await expect(page.getByLabel('Topics', { exact: true })).toHaveValue('tls/esp32.out 1')
  await page.getByRole('button', { name: 'Save' }).click()

  // A wrong passphrase is said in plain words, and nothing crashes.
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText(
    'TLS lab: error — Wrong key passphrase: the client key could not be decrypted.'
  )

  // The passphrase is write-only: the form says one is saved, and a new one replaces it.
  const passphrase = page.getByLabel('Key passphrase', { exact: true })
  await expect(passphrase).toHaveValue('')
  await expect(passphrase).toHaveAttribute('placeholder', /saved/)
  await passphrase.fill(certs.passphrase)
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByText('Saved TLS lab.')).toBeVisible()
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText('TLS lab: connected')
  await waitForSubscribe(broker, 'e2e-tls-client')
  expect(fs.readFileSync(broker.logFile, 'utf8')).toMatch(/as e2e-tls-client \(p5, c0, k30\)/)

  const published = Array.from(
    { length: 20 },
    (_, i) => `${(20 + i / 10).toFixed(2)},${(1000 + i).toFixed(2)},${(50 + i).toFixed(2)}`
  )
  await broker.publish('tls/esp32.out', published, { qos: 1 })
  const stats = page.getByRole('region', { name: 'Topic statistics' })
  await expect(stats.getByRole('row').filter({ hasText: 'tls/esp32.out' })).toContainText('20')
  const chart = page.getByRole('figure', { name: /temperature.*chart/ })
  await expect
    .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 })
    .toBeGreaterThan(0)

  // The secrets never reach the settings file.
  const settings = fs.readFileSync(`${app.dataDir}/settings.json`, 'utf8')
  expect(settings).toContain(certs.clientKey)
  expect(settings).not.toContain(certs.passphrase)
})
