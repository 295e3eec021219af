// Charts end to end: a real Mosquitto, the app in serve mode, Chromium driving the UI by
// roles and labels. Readings carry their own timestamps (JSON `ts`), so what the crosshair
// shows can be checked against what was published.
import type { Locator, Page } from '@playwright/test'
import type { MosquittoBroker } from '../test-support/mosquitto'
import type { ServedApp } from '../test-support/serve'
import { connectProfile } from '../test-support/ws-api'
import { expect, test } from './fixtures/app'

test.use({ timezoneId: 'UTC' })

const TOPIC = 'lab/bmp'
const CLIENT_ID = 'e2e-charts-client'

interface Reading {
  ts: number
  temp: number
  pressure: number
}
const published: Reading[] = []

async function publish(broker: MosquittoBroker, readings: Reading[]): Promise<void> {
  published.push(...readings)
  await broker.publish(
    TOPIC,
    readings.map((r) => JSON.stringify(r)),
    { qos: 1 }
  )
}

// Every test gets its own broker and app (the fixture), with the same 30 readings.
test.beforeEach(async ({ broker, api }) => {
  published.length = 0
  await connectProfile(api, broker, {
    id: 'lab',
    name: 'Lab broker',
    clientId: CLIENT_ID,
    topics: [
      {
        filter: TOPIC,
        qos: 1,
        decoder: { format: 'json', units: { temp: '°C', pressure: 'hPa' } }
      }
    ]
  })
  await api.invoke('settings:select-profile', { profileId: 'lab' })
  // 30 readings 2 s apart over the last minute, with known values.
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 62_000
  await publish(
    broker,
    Array.from({ length: 30 }, (_, i) => ({
      ts: t0 + i * 2000,
      temp: 20 + i * 0.25,
      pressure: 1000 + ((i * 7) % 11) + 0.5
    }))
  )
})

const chart = (page: Page, name: string | RegExp): Locator =>
  page.getByRole('figure', { name, exact: typeof name === 'string' })
const plot = (figure: Locator): Locator => figure.getByRole('img', { name: /plot/ })
const domain = async (figure: Locator): Promise<[number, number]> => {
  const [x0, x1] = await Promise.all([
    figure.getAttribute('data-x0'),
    figure.getAttribute('data-x1')
  ])
  return [Number(x0), Number(x1)]
}
const span = async (figure: Locator): Promise<number> => {
  const [x0, x1] = await domain(figure)
  return x1 - x0
}

async function openWithData(page: Page, app: ServedApp): Promise<Locator> {
  await page.goto(app.url)
  const temp = chart(page, 'temp chart (°C)')
  await expect(temp).toBeVisible()
  await expect.poll(async () => Number(await temp.getAttribute('data-points'))).toBeGreaterThan(20)
  return temp
}

/** UTC HH:MM:SS.mmm, as the crosshair readout writes it (the page runs in UTC). */
function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23)
}

test('the hover crosshair shows the published values at that time', async ({ page, app }) => {
  const temp = await openWithData(page, app)
  // For screen readers: a named plot described by a text summary of its series.
  await expect(plot(temp)).toHaveAccessibleName(/^temp chart \(°C\) plot/)
  await expect(plot(temp)).toHaveAccessibleDescription(
    /lab\/bmp temp: latest 27\.25 °C, min 20 °C, max 27\.25 °C, mean 23\.63 °C/
  )
  const box = (await plot(temp).boundingBox())!
  const readout = temp.getByRole('list', { name: 'Values at cursor' })
  const seen = new Set<string>()
  for (const f of [0.15, 0.35, 0.55, 0.75, 0.95]) {
    await page.mouse.move(box.x + 56 + (box.width - 72) * f, box.y + box.height / 2)
    await expect(readout).toBeVisible()
    const [time, value] = (await readout.getByRole('listitem').allTextContents()).map((s) =>
      s.replace(/\s+/g, ' ').trim()
    )
    const reading = published.find((r) => clock(r.ts) === time.trim())
    expect(reading, `a published reading at ${time}`).toBeDefined()
    expect(value).toMatch(/^lab\/bmp temp: /)
    expect(Number(/temp: (-?[\d.]+) °C/.exec(value)?.[1])).toBe(reading!.temp)
    seen.add(time)
  }
  // Different places, different readings.
  expect(seen.size).toBeGreaterThanOrEqual(4)
  await page.mouse.move(0, 0)
  await expect(readout).toBeHidden()
})

test('zoom with the wheel, a range and the keyboard; pan by dragging; reset', async ({
  page,
  app
}) => {
  const temp = await openWithData(page, app)
  const surface = plot(temp)
  const reset = temp.getByRole('button', { name: 'Reset zoom' })
  await expect(reset).toBeDisabled()
  const full = await span(temp)
  const box = (await surface.boundingBox())!
  const cx = box.x + box.width / 2
  const cy = box.y + box.height / 2

  await page.mouse.move(cx, cy)
  await page.mouse.wheel(0, -400)
  await expect.poll(() => span(temp)).toBeLessThan(full * 0.8)
  await expect(reset).toBeEnabled()
  // Zoomed, the view no longer follows the clock: dragging right shows earlier times.
  const [before] = await domain(temp)
  await page.mouse.down()
  await page.mouse.move(cx + 150, cy, { steps: 5 })
  await page.mouse.up()
  await expect.poll(async () => (await domain(temp))[0]).toBeLessThan(before)

  await reset.click()
  await expect(reset).toBeDisabled()
  await expect.poll(() => span(temp)).toBeGreaterThan(full * 0.9)

  // Shift+drag over a quarter of the plot zooms to about that quarter.
  const wide = await span(temp)
  const left = box.x + 56
  const width = box.width - 72
  await page.keyboard.down('Shift')
  await page.mouse.move(left + width * 0.25, cy)
  await page.mouse.down()
  await page.mouse.move(left + width * 0.5, cy, { steps: 5 })
  await page.mouse.up()
  await page.keyboard.up('Shift')
  await expect.poll(() => span(temp)).toBeLessThan(wide * 0.3)
  await expect.poll(() => span(temp)).toBeGreaterThan(wide * 0.2)

  // Keyboard: + zooms in, arrows pan, 0 resets.
  await page.keyboard.press('0')
  await surface.focus()
  await page.keyboard.press('0')
  await expect(reset).toBeDisabled()
  await expect.poll(() => span(temp)).toBeGreaterThan(wide * 0.9)
  const keyed = await span(temp)
  await page.keyboard.press('+')
  await expect.poll(() => span(temp)).toBeLessThan(keyed * 0.8)
  const [x0] = await domain(temp)
  await page.keyboard.press('ArrowLeft')
  await expect.poll(async () => (await domain(temp))[0]).toBeLessThan(x0)
  await page.keyboard.press('0')
  await expect(reset).toBeDisabled()
})

test('pause holds the chart while capture goes on; resume shows the newest data', async ({
  page,
  app,
  broker
}) => {
  const temp = await openWithData(page, app)
  const latest = temp
    .getByRole('list', { name: '°C legend' })
    .getByRole('listitem')
    .filter({ hasText: 'lab/bmp temp' })
  await expect(latest).toContainText('27.25 °C')
  await temp.getByRole('button', { name: 'Pause' }).click()
  const resume = temp.getByRole('button', { name: 'Resume' })
  await expect(resume).toBeVisible()

  await publish(broker, [{ ts: Date.now(), temp: 55.55, pressure: 1001.5 }])
  const stats = page.getByRole('region', { name: 'Topic statistics' })
  await expect(stats.getByRole('row').filter({ hasText: TOPIC })).toContainText('31')
  // The batch with the reading has reached the page; let two frames pass.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))')
  await expect(latest).toContainText('27.25 °C')
  await expect(latest).not.toContainText('55.55')

  await resume.click()
  await expect(latest).toContainText('55.55 °C')
  await expect(temp.getByRole('button', { name: 'Pause' })).toBeVisible()
})

test('pick a second series with its own axis, hide and show it from the legend', async ({
  page,
  app
}) => {
  const temp = await openWithData(page, app)
  await temp.getByRole('button', { name: 'Series' }).click()
  await temp.getByRole('checkbox', { name: 'lab/bmp pressure (hPa)' }).check()
  const both = chart(page, 'temp, pressure chart (°C, hPa)')
  await expect(both).toBeVisible()
  await expect(both.locator('.axis-y-right .tick').first()).toBeAttached()
  await expect
    .poll(async () => Number(await both.getAttribute('data-points')))
    .toBeGreaterThanOrEqual(60)
  const legend = both.getByRole('list', { name: '°C, hPa legend' })
  const pressure = legend.getByRole('button', { name: 'lab/bmp pressure' })
  await expect(pressure).toHaveAttribute('aria-pressed', 'true')

  await pressure.click()
  await expect(pressure).toHaveAttribute('aria-pressed', 'false')
  await expect.poll(async () => Number(await both.getAttribute('data-points'))).toBeLessThan(40)
  const box = (await plot(both).boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  const readout = both.getByRole('list', { name: 'Values at cursor' })
  await expect(readout.getByRole('listitem')).toHaveCount(2)
  await expect(readout).not.toContainText('pressure')

  await pressure.click()
  await expect(pressure).toHaveAttribute('aria-pressed', 'true')
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await expect(readout.getByRole('listitem')).toHaveCount(3)
  await expect(readout).toContainText('lab/bmp pressure')
})

test('the layout survives a reload', async ({ page, app, api }) => {
  await openWithData(page, app)
  // Pressure joins the temperature chart; the pressure chart goes; a new temperature chart
  // is added, moved to the top and set to one minute; pressure is hidden.
  const temp = chart(page, 'temp chart (°C)')
  await temp.getByRole('button', { name: 'Series' }).click()
  await temp.getByRole('checkbox', { name: 'lab/bmp pressure (hPa)' }).check()
  await chart(page, 'pressure chart (hPa)').getByRole('button', { name: 'Remove chart' }).click()
  await page.getByRole('button', { name: 'Add chart' }).click()
  const added = chart(page, 'Empty chart')
  await added.getByRole('checkbox', { name: 'lab/bmp temp (°C)' }).check()
  const single = chart(page, 'temp chart (°C)')
  await single.getByRole('button', { name: 'Move chart up' }).click()
  await single
    .getByRole('group', { name: 'Time window' })
    .getByRole('button', { name: '1 min' })
    .click()
  const both = chart(page, 'temp, pressure chart (°C, hPa)')
  await both.getByRole('button', { name: 'lab/bmp pressure' }).click()

  const expected = ['temp chart (°C)', 'temp, pressure chart (°C, hPa)']
  const figures = page.getByRole('figure')
  const check = async (): Promise<void> => {
    await expect(figures).toHaveCount(2)
    for (const [i, name] of expected.entries())
      await expect(figures.nth(i)).toHaveAccessibleName(name)
    await expect(
      single.getByRole('group', { name: 'Time window' }).getByRole('button', { name: '1 min' })
    ).toHaveAttribute('aria-pressed', 'true')
    await expect(both.getByRole('button', { name: 'lab/bmp pressure' })).toHaveAttribute(
      'aria-pressed',
      'false'
    )
  }
  await check()
  // The layout is saved with the settings (debounced): wait until it is there, then reload.
  await expect
    .poll(async () => {
      const layout = (await api.invoke('settings:get')).ui.layout as { charts?: unknown[] } | null
      return layout?.charts?.length
    })
    .toBe(2)
  await page.reload()
  await expect(page.getByRole('button', { name: 'Default layout' })).toBeEnabled()
  await check()

  await page.getByRole('button', { name: 'Default layout' }).click()
  await expect(figures).toHaveCount(2)
  await expect(figures.nth(0)).toHaveAccessibleName('temp chart (°C)')
  await expect(figures.nth(1)).toHaveAccessibleName('pressure chart (hPa)')
})
