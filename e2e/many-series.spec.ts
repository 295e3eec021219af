// A dashboard of many series end to end: 60 topics of the reference CSV on a real Mosquitto
// (180 series; a chart of 50 picked), the app in serve mode, Chromium driving the UI by roles. Long
// legends and the topic table are scroll boxes that hold only the rows in view; everything
// must still be reachable by scrolling, toggled from the legend, and named for screen readers.
import type { SeriesDef } from '../src/shared/types'
import { waitUntil } from '../test-support/wait'
import { connectProfile } from '../test-support/ws-api'
import { expect, test } from './fixtures/app'

const TOPICS = 60
/** The most series one chart takes. */
const CHARTED = 50
const topic = (i: number): string => `farm/s${String(i).padStart(2, '0')}`

test.beforeEach(async ({ broker, api }) => {
  await connectProfile(api, broker, {
    id: 'farm',
    name: 'Farm',
    clientId: 'e2e-many-series',
    topics: [{ filter: 'farm/#', qos: 1, decoder: { format: 'csv' } }]
  })
  await api.invoke('settings:select-profile', { profileId: 'farm' })
  // Temperature i.25 °C on topic i, three readings each.
  for (let i = 0; i < TOPICS; i++) {
    await broker.publish(
      topic(i),
      [1, 2, 3].map((k) => `${i}.25,${1000 + k},${k}`),
      { qos: 1 }
    )
  }
  // 180 series are more than the dashboard charts by itself: the temperatures of the first
  // CHARTED topics are picked into one chart, as a user would from the topic explorer.
  let defs: SeriesDef[] = []
  await waitUntil(async () => {
    const snap = await api.invoke('capture:snapshot', { maxPointsPerSeries: 1 })
    defs = snap.defs.filter((d) => d.field === 'temperature')
    return defs.length === TOPICS
  }, 'every topic to have its series')
  const series = defs
    .filter((d) => Number(d.topic.slice('farm/s'.length)) < CHARTED)
    .map((d) => ({ connection: d.connection, topic: d.topic, field: d.field }))
  await api.invoke('settings:save-ui', {
    layout: { version: 1, charts: [{ id: 'temperatures', series, hidden: [] }] }
  })
})

test('a long legend scrolls to every series, names its place, and hides a series', async ({
  page,
  app
}) => {
  await page.goto(app.url)
  const chart = page.getByRole('figure', { name: /chart \(°C\)/ })
  const legend = chart.getByRole('list', { name: '°C legend' })
  await expect(legend.getByRole('listitem').first()).toContainText('farm/s00 temperature')
  // Only the rows in view are in the page, each with its place in the whole list.
  const rows = await legend.getByRole('listitem').count()
  expect(rows).toBeGreaterThan(5)
  expect(rows).toBeLessThan(TOPICS)
  await expect(legend.getByRole('listitem').first()).toHaveAttribute(
    'aria-setsize',
    String(CHARTED)
  )
  await expect(legend.getByRole('listitem').first()).toHaveAttribute('aria-posinset', '1')
  await expect(legend.getByText('farm/s49 temperature')).toHaveCount(0)

  // Scrolled to the end (from the keyboard: the list takes focus), the last series is there.
  await legend.focus()
  await page.keyboard.press('End')
  const last = legend.getByRole('listitem').filter({ hasText: 'farm/s49 temperature' })
  await expect(last).toContainText('49.25 °C')
  await expect(last).toHaveAttribute('aria-posinset', String(CHARTED))
  const toggle = last.getByRole('button', { name: 'farm/s49 temperature' })
  await toggle.click()
  await expect(toggle).toHaveAttribute('aria-pressed', 'false')
  // The plot's text summary names every series, and that one as hidden.
  const summary = chart.locator('.chart-sr-only')
  await expect(summary).toContainText('farm/s00 temperature: latest 0.25 °C')
  await expect(summary).toContainText('farm/s49 temperature: hidden.')
  // The legend's search finds a series by name.
  await chart.getByRole('searchbox', { name: 'Search the °C legend' }).fill('s07 temp')
  await expect(legend.getByRole('listitem')).toHaveCount(1)
  await expect(legend.getByRole('listitem')).toContainText('7.25 °C')
})

test('a long topic table scrolls to every topic with its count', async ({ page, app }) => {
  await page.goto(app.url)
  const table = page.getByRole('region', { name: 'Topic statistics table (scrolls)' })
  await expect(table.getByRole('row', { name: /farm\/s00 3 0/ })).toBeVisible()
  await expect(table.getByRole('row', { name: /farm\/s59/ })).toHaveCount(0)
  await table.focus()
  await page.keyboard.press('End')
  const last = table.getByRole('row', { name: /farm\/s59 3 0/ })
  await expect(last).toBeVisible()
  // The header row is 1: the 60th topic is row 61 of 61.
  await expect(table.getByRole('table')).toHaveAttribute('aria-rowcount', '61')
  await expect(last).toHaveAttribute('aria-rowindex', '61')
})
