// The topic explorer end to end: a real Mosquitto with a fleet of 500 devices in mixed formats
// and retained metadata, the app in serve mode, Chromium driving the panel by roles and labels.
import * as fs from 'node:fs'
import * as path from 'node:path'
import mqtt from 'mqtt'
import { fleetPayload, fleetTopic, metaTopic, startFleet, type Fleet } from '../test-support/fleet'
import type { MosquittoBroker } from '../test-support/mosquitto'
import { waitUntil } from '../test-support/wait'
import { connectProfile, seriesValues, type WsApi } from '../test-support/ws-api'
import { expect, test } from './fixtures/app'
import { filter, inspector, item, open, tree } from './fixtures/explorer'

test.use({ mosquitto: { password: false } })

const ROUNDS = 4

/** The explorer's part of the settings file (what the app remembers). */
function readExplorer(dataDir: string): unknown {
  try {
    return (
      JSON.parse(fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8')) as {
        explorer?: unknown
      }
    ).explorer
  } catch {
    return undefined
  }
}

/** The app connected (MQTT 5, plant/# and xss/#), then the fleet's metadata and ROUNDS rounds. */
async function withFleet(broker: MosquittoBroker, api: WsApi): Promise<Fleet> {
  await connectProfile(api, broker, {
    id: 'plant',
    name: 'Plant broker',
    clientId: 'e2e-explorer',
    protocolVersion: '5.0',
    topics: [
      { filter: 'plant/#', qos: 1 },
      { filter: 'xss/#', qos: 1 }
    ]
  })
  await api.invoke('settings:select-profile', { profileId: 'plant' })
  const fleet = await startFleet({
    url: broker.url('anonymous'),
    intervalMs: 0,
    record: [fleetTopic(2), fleetTopic(4)]
  })
  for (let i = 0; i < ROUNDS; i++) await fleet.round()
  return fleet
}

test('the tree shows the fleet with the right counts, a wildcard filter narrows it, the keyboard moves through it', async ({
  page,
  broker,
  app,
  api
}) => {
  const fleet = await withFleet(broker, api)
  const total = 500 + 500 * ROUNDS
  await page.goto(app.url)
  await expect(page.getByText('1,000 topics', { exact: true })).toBeVisible()
  await expect(item(page, 'Plant broker')).toHaveAttribute('aria-level', '1')
  await expect(item(page, 'plant')).toHaveAccessibleDescription(
    new RegExp(`^${total.toLocaleString('en-US')} msg · .* · 1,000 topics$`)
  )
  await open(page, 'plant')
  await expect(tree(page).getByRole('treeitem', { level: 3 })).toHaveText(
    Array.from({ length: 10 }, (_, i) => new RegExp(`^▸line${i}`))
  )
  await open(page, 'line7')
  const dev7 = item(page, 'dev7')
  await expect(dev7).toHaveAttribute('aria-level', '4')
  await expect(dev7).toHaveAccessibleDescription(/^5 msg · .* · 2 topics$/)
  await expect(dev7).toHaveAttribute('aria-posinset', '1')
  await expect(dev7).toHaveAttribute('aria-setsize', '50')
  // Natural order: dev7, dev17, dev27 …
  await expect(item(page, 'dev17')).toHaveAttribute('aria-posinset', '2')

  // The keyboard: down to dev7, open it, into it, type-ahead, Home and End.
  await dev7.click()
  await expect(dev7).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('ArrowRight')
  await expect(dev7).toHaveAttribute('aria-expanded', 'true')
  await page.keyboard.press('ArrowDown')
  await expect(item(page, 'meta')).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('ArrowDown')
  await expect(item(page, 'temp')).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('ArrowLeft')
  await expect(dev7).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.type('dev2')
  await expect(item(page, 'dev27')).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('Home')
  await expect(item(page, 'Plant broker')).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('ArrowLeft')
  await expect(item(page, 'Plant broker')).toHaveAttribute('aria-expanded', 'false')
  await expect(tree(page).getByRole('treeitem')).toHaveCount(1)
  await page.keyboard.press('ArrowRight')

  // A wildcard filter: only dev7's topics, every level open, counts of what matches.
  await filter(page, 'plant/+/dev7/#')
  await expect(page.getByText('2 of 1,000 topics match')).toBeVisible()
  await expect(tree(page).getByRole('treeitem')).toHaveText([
    /^▾Plant broker/,
    /^▾plant/,
    /^▾line7/,
    /^▾dev7/,
    /^meta/,
    /^temp/
  ])
  await expect(item(page, 'plant')).toHaveAccessibleDescription(/^5 msg · .* · 2 topics$/)
  // A field name matches too: the JSON devices' "pressure" (and the CSV ones').
  await filter(page, 'pressure')
  await expect(page.getByText('200 of 1,000 topics match')).toBeVisible()
  await fleet.stop()
})

test('the inspector shows a binary payload byte for byte and its MQTT 5 user properties', async ({
  page,
  broker,
  app,
  api
}) => {
  const fleet = await withFleet(broker, api)
  await page.goto(app.url)
  await filter(page, 'plant/line4/dev4/struct')
  await item(page, 'struct').click()
  const panel = inspector(page)
  await expect(panel.getByRole('heading', { name: 'plant/line4/dev4/struct' })).toBeVisible()
  // Binary: the hex view opens by itself.
  await expect(panel.getByRole('tab', { name: 'Hex' })).toHaveAttribute('aria-selected', 'true')
  const last = fleet.recorded(fleetTopic(4)).at(-1)!
  expect(last.equals(fleetPayload(4, ROUNDS - 1))).toBe(true)
  const pairs = [...last].map((b) => b.toString(16).padStart(2, '0'))
  await expect(panel.getByLabel('Payload as hex')).toHaveText(
    new RegExp(`^00000000  ${pairs.slice(0, 8).join(' ')}  ${pairs.slice(8).join(' ')}\\s+`)
  )
  await expect(panel.getByRole('list', { name: 'Messages' }).getByRole('button')).toHaveCount(
    ROUNDS
  )
  const props = panel.getByRole('table', { name: 'User properties' })
  await expect(props.getByRole('row')).toHaveText([
    'NameValue',
    'layoutf32le temperature,pressure,index',
    'devicedev4'
  ])
  const details = panel.getByRole('definition')
  await expect(details).toContainText(['application/octet-stream'])
  await expect(panel.getByText('12 bytes', { exact: true })).toBeVisible()
  // The diff against the message before: only the changed bytes' line.
  await panel.getByRole('tab', { name: 'Diff' }).click()
  await expect(panel.getByLabel('Differences')).toContainText('- 00000000')
  await fleet.stop()
})

test('a field charted from the inspector shows exactly the published values; the dashboard does not chart 500 devices by itself', async ({
  page,
  broker,
  app,
  api
}) => {
  const fleet = await withFleet(broker, api)
  await page.goto(app.url)
  // Hundreds of series: none charted by themselves, and the page says where to pick them.
  await expect(page.getByRole('note')).toContainText(
    /Plant broker: 0 of [\d,]+ series charted\. With more than 12 series/
  )
  await expect(page.getByRole('figure')).toHaveCount(0)

  await filter(page, 'plant/line2/dev2/temp')
  await item(page, 'temp').click()
  const values = inspector(page).getByRole('table', { name: 'Numeric fields' })
  await expect(values.getByRole('row')).toHaveText([`value${15 + 2 + (ROUNDS - 1) * 0.5}Chart`])
  await values.getByRole('button', { name: 'Chart value' }).click()
  await inspector(page).getByRole('button', { name: 'New chart' }).click()
  await expect(inspector(page).getByRole('status')).toHaveText('Charted 1 series in a new chart.')

  const chart = page.getByRole('figure', { name: 'value chart' })
  const published = fleet.recorded(fleetTopic(2)).map((b) => Number(b.toString()))
  expect(published).toEqual([15 + 2, 15 + 2.5, 15 + 3, 15 + 3.5].slice(0, ROUNDS))
  const described = async (): Promise<string> =>
    (await chart.getByRole('img', { name: /plot/ }).getAttribute('aria-describedby'))!
  const summary = page.locator(`[id="${await described()}"]`)
  await expect(summary).toContainText(
    `plant/line2/dev2/temp value: latest ${published.at(-1)}, min ${Math.min(...published)}, max ${Math.max(...published)}, mean ${published.reduce((a, b) => a + b) / published.length}`
  )
  // What the chart holds for the series is what was published, value for value.
  expect(await seriesValues(api, fleetTopic(2), 'value')).toEqual(published)
  // More arrive and join the chart.
  await fleet.round()
  await expect(summary).toContainText(`latest ${15 + 2 + ROUNDS * 0.5}, min 17, max 19, mean 18`)
  expect(await seriesValues(api, fleetTopic(2), 'value')).toEqual([...published, 19])
  await expect(page.getByRole('note')).toContainText(/Plant broker: 1 of [\d,]+ series charted/)

  // A branch: every numeric field below dev0 (the reference CSV) and its metadata, by unit.
  await filter(page, '')
  await open(page, 'plant')
  await open(page, 'line0')
  await item(page, 'dev0').click()
  await inspector(page).getByRole('button', { name: 'Chart numeric fields below' }).click()
  await expect(inspector(page).getByRole('status')).toHaveText('Charted 5 series in 5 new charts.')
  await expect(page.getByRole('figure', { name: 'temperature chart (°C)' })).toBeVisible()
  await expect(page.getByRole('figure', { name: 'pressure chart (hPa)' })).toBeVisible()
  await expect(page.getByRole('note')).toContainText(/Plant broker: 6 of [\d,]+ series charted/)
  await fleet.stop()
})

test('the panel remembers being hidden and its width', async ({ page, app }) => {
  await page.goto(app.url)
  const panel = page.getByRole('complementary', { name: 'Topic explorer' })
  const separator = panel.getByRole('separator', { name: 'Resize the topic panel' })
  await expect(separator).toHaveAttribute('aria-valuenow', '420')
  await separator.focus()
  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('ArrowRight')
  await expect(separator).toHaveAttribute('aria-valuenow', '460')
  await page.getByRole('button', { name: 'Hide topics' }).click()
  await expect(panel).toHaveCount(0)
  await expect
    .poll(async () => (await page.request.get(app.url)).ok() && readExplorer(app.dataDir))
    .toMatchObject({ panelHidden: true, panelWidth: 460 })
  await page.reload()
  await expect(page.getByRole('button', { name: 'Show topics' })).toBeVisible()
  await page.getByRole('button', { name: 'Show topics' }).click()
  await expect(separator).toHaveAttribute('aria-valuenow', '460')
})

test('publish from the panel (checked JSON, MQTT 5 properties) and see it arrive in the tree; clear a retained message', async ({
  page,
  broker,
  app,
  api
}) => {
  const fleet = await withFleet(broker, api)
  await page.goto(app.url)
  await page.locator('summary', { hasText: /^Publish$/ }).click()
  await page.getByLabel('Topic', { exact: true }).fill('plant/ui/setpoint')
  await page.getByRole('radio', { name: 'JSON' }).check()
  const payload = page.getByLabel('Payload', { exact: true })
  await payload.fill('{"setpoint": 21.5,}')
  await expect(payload).toHaveAttribute('aria-invalid', 'true')
  await page.getByRole('button', { name: 'Publish', exact: true }).click()
  await expect(page.getByRole('alert')).toContainText('The payload is not valid JSON')
  await payload.fill('{"setpoint": 21.5}')
  await page.getByText('MQTT 5 properties').click()
  await page.getByLabel('User properties (name=value, one per line)').fill('origin=ui')
  await page.getByRole('combobox', { name: 'QoS', exact: true }).selectOption('1')
  await page.getByRole('button', { name: 'Publish', exact: true }).click()
  await expect(page.getByText('Published 18 bytes to plant/ui/setpoint.')).toBeVisible()
  await expect(page.getByRole('list', { name: 'Recent publishes' })).toContainText(
    'plant/ui/setpoint · json'
  )

  await filter(page, 'plant/ui/#')
  await item(page, 'setpoint').click()
  await expect(inspector(page).getByRole('tree', { name: 'Payload as JSON' })).toContainText(
    'setpoint: 21.5'
  )
  await expect(inspector(page).getByRole('table', { name: 'User properties' })).toContainText(
    'originui'
  )

  // Clear retained: dev7's metadata is retained; after clearing, a new subscriber gets nothing.
  await filter(page, metaTopic(7))
  await item(page, 'meta').click()
  await expect(item(page, 'meta')).toHaveAccessibleDescription(/^retained · /)
  await inspector(page).getByRole('button', { name: 'Clear retained' }).click()
  const confirm = inspector(page).getByRole('alertdialog')
  await expect(confirm).toContainText(`Clear the retained message of ${metaTopic(7)}?`)
  await confirm.getByRole('button', { name: 'Clear retained message' }).click()
  await expect(inspector(page).getByRole('status')).toHaveText(
    `The retained message of ${metaTopic(7)} was cleared.`
  )
  const fresh = await mqtt.connectAsync(broker.url('anonymous'))
  try {
    const got: string[] = []
    fresh.on('message', (topic) => got.push(topic))
    await fresh.subscribeAsync(`${metaTopic(7)}`, { qos: 1 })
    await fresh.subscribeAsync(metaTopic(8), { qos: 1 })
    // dev8's metadata, still retained, arrives: dev7's would have arrived before it.
    await waitUntil(() => got.includes(metaTopic(8)), "dev8's retained metadata")
    expect(got).toEqual([metaTopic(8)])
  } finally {
    await fresh.endAsync()
  }
  await fleet.stop()
})
