import { waitForSubscribe } from '../test-support/broker-log'
import { expect, test } from './fixtures/app'
import { openNewProfile } from './fixtures/profile-form'

test('decoding set per topic in the form names the columns and units of the chart', async ({
  page,
  broker,
  app
}) => {
  await openNewProfile(page, app.url, { name: 'Greenhouse', port: broker.ports.anonymous! })
  await page.getByLabel('Client ID', { exact: true }).fill('e2e-decoding')
  await page.getByLabel('Topics', { exact: true }).fill('greenhouse/air 1\ngreenhouse/bad')
  await page.getByText(/greenhouse\/air: Detect from the first payloads/).click() // open its decoding
  await page.getByLabel('Payload format for greenhouse/air').selectOption('csv')
  await page.getByLabel('CSV columns for greenhouse/air').fill('humidity, co2')
  await page.getByLabel('CSV separator for greenhouse/air').selectOption(';')
  await page.getByLabel('Units for greenhouse/air').fill('humidity=%, co2=ppm')
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText(/Greenhouse: connected/)
  await waitForSubscribe(broker, 'e2e-decoding')

  await broker.publish('greenhouse/air', ['61.5;812', '62.0;815'], { qos: 1 })
  await broker.publish('greenhouse/bad', ['{"broken json', ''], { qos: 1 })
  await expect(page.getByRole('list', { name: /ppm legend/ })).toContainText(/co2.*815 ppm/)
  await expect(page.getByRole('list', { name: /% legend/ })).toContainText(/humidity.*62 %/)
  // Garbage is counted on its topic with the reason, and nothing else is affected.
  const bad = page
    .getByRole('region', { name: 'Topic statistics' })
    .getByRole('row')
    .filter({ hasText: 'greenhouse/bad' })
  await expect(bad).toContainText(/2\s*2/)
  await expect(bad).toContainText('empty payload')
})
