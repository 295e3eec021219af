import { expect, test } from './fixtures/app'

test.use({ serveArgs: ['--demo'] })

test('the demo charts the simulated sensors and the legend values move', async ({ page, app }) => {
  await page.goto(app.url)
  await expect(page.getByRole('status')).toHaveText(/Demo sensors: connected/)
  const temperature = page.getByRole('figure', { name: /temperature.*chart/ })
  await expect(temperature).toBeVisible()
  // The canvas has drawn points (the figure reports how many it drew last frame).
  await expect
    .poll(async () => Number(await temperature.getAttribute('data-points')), { timeout: 20_000 })
    .toBeGreaterThan(2)
  const legend = page.getByRole('list', { name: /°C legend/ })
  const entry = legend.getByRole('listitem').filter({ hasText: 'esp32.out temperature' })
  await expect(entry).toContainText(/\d+\.\d+ °C/)
  // Readings arrive once a second with drift: the shown pressure changes within a few seconds.
  const pressure = page
    .getByRole('list', { name: /hPa legend/ })
    .getByRole('listitem')
    .first()
  const first = await pressure.innerText()
  await expect.poll(() => pressure.innerText(), { timeout: 20_000 }).not.toBe(first)
  const pointsBefore = Number(await temperature.getAttribute('data-points'))
  await expect
    .poll(async () => Number(await temperature.getAttribute('data-points')), { timeout: 20_000 })
    .toBeGreaterThan(pointsBefore)
  await page.screenshot({ path: 'test-results/demo-chart.png', fullPage: true })
})
