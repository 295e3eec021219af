// What the topic explorer guards against, end to end (a real Mosquitto, serve mode, Chromium):
// topics, payloads and field names from the broker stay text; a large payload is paged, never
// cut; a read-only dashboard offers no publishing and refuses it.
import mqtt from 'mqtt'
import { startFleet } from '../test-support/fleet'
import { connectProfile, connectWsApi, waitForConnected } from '../test-support/ws-api'
import { expect, test } from './fixtures/app'
import { filter, inspector, item, open } from './fixtures/explorer'

test.use({ mosquitto: { password: false } })

test('topics, payloads and field names from the broker are text, never markup', async ({
  page,
  broker,
  app,
  api
}) => {
  await connectProfile(api, broker, {
    id: 'plant',
    name: 'Plant broker',
    clientId: 'e2e-explorer-xss',
    protocolVersion: '5.0',
    topics: [{ filter: 'xss/#', qos: 1 }]
  })
  const evil = (n: number): string => `<img src=x onerror="window.__xss=${n}">`
  const client = await mqtt.connectAsync(broker.url('anonymous'), { protocolVersion: 5 })
  try {
    await client.publishAsync(`xss/${evil(1)}`, evil(2), {
      qos: 1,
      properties: { userProperties: { [evil(3)]: evil(4) }, contentType: evil(5) }
    })
    await client.publishAsync('xss/json', JSON.stringify({ [evil(6)]: 7 }), { qos: 1 })
  } finally {
    await client.endAsync()
  }
  await page.goto(app.url)
  await open(page, 'xss')
  const topicRow = item(page, evil(1))
  await expect(topicRow).toContainText(evil(1))
  await topicRow.click()
  await expect(inspector(page).getByRole('heading', { name: `xss/${evil(1)}` })).toBeVisible()
  await inspector(page).getByRole('tab', { name: 'Text' }).click()
  await expect(inspector(page).getByLabel('Payload as text')).toHaveText(evil(2))
  await expect(inspector(page).getByRole('table', { name: 'User properties' })).toContainText(
    `${evil(3)}${evil(4)}`
  )
  await expect(inspector(page)).toContainText(evil(5))
  await item(page, 'json').click()
  await expect(inspector(page).getByRole('table', { name: 'Numeric fields' })).toContainText(
    evil(6)
  )
  await expect(inspector(page).getByRole('tree', { name: 'Payload as JSON' })).toContainText(
    evil(6)
  )
  // The preview in the tree shows the field name as text too.
  await expect(item(page, 'json')).toContainText(`${evil(6)} 7`)
  // No element was made from any of it, and no handler ran.
  await expect(page.locator('img')).toHaveCount(0)
  expect(await page.evaluate('window.__xss')).toBeUndefined()
})

test('a large payload opens page by page, saying its full size; Copy takes all of it', async ({
  page,
  broker,
  app,
  api
}) => {
  await connectProfile(api, broker, {
    id: 'plant',
    name: 'Plant broker',
    clientId: 'e2e-explorer-large',
    topics: [{ filter: 'files/#', qos: 1 }]
  })
  // 200,000 bytes of text, each 10-byte line numbered, so any page can be checked.
  const text =
    Array.from({ length: 20_000 }, (_, i) => String(i).padStart(9, '0')).join('\n') + '\n'
  const client = await mqtt.connectAsync(broker.url('anonymous'))
  await client.publishAsync('files/big', text.slice(0, -1), { qos: 1 })
  await client.endAsync()
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
  await page.goto(app.url)
  await open(page, 'files')
  await item(page, 'big').click()
  const panel = inspector(page)
  await panel.getByRole('tab', { name: 'Text' }).click()
  const pager = panel.getByRole('group', { name: 'Payload pages' })
  await expect(pager).toContainText('199,999 bytes in all; showing bytes 0–65,535 (page 1 of 4)')
  await expect(panel.getByLabel('Payload as text')).toContainText('000006552')
  await pager.getByRole('button', { name: 'Next page' }).click()
  await expect(pager).toContainText('showing bytes 65,536–131,071 (page 2 of 4)')
  await expect(panel.getByLabel('Payload as text')).toContainText('000013106')
  await panel.getByRole('button', { name: 'Copy payload' }).click()
  await expect(panel.getByRole('status')).toHaveText('Copied 199,999 bytes as text.')
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(text.slice(0, -1))
})

test('a read-only dashboard shows the topics but offers no way to publish, and refuses it', async ({
  page,
  broker,
  app,
  api,
  serve
}) => {
  await connectProfile(api, broker, {
    id: 'plant',
    name: 'Plant broker',
    clientId: 'e2e-explorer-wall',
    protocolVersion: '5.0',
    topics: [{ filter: 'plant/#', qos: 1 }]
  })
  await app.stop()
  // The same data folder, read-only: it connects again to what was connected.
  const wall = await serve(['--read-only'], { dataDir: app.dataDir })
  const wallApi = await connectWsApi(wall.url)
  try {
    await waitForConnected(wallApi, 'plant')
    const fleet = await startFleet({ url: broker.url('anonymous'), intervalMs: 0, devices: 20 })
    await fleet.round()
    await fleet.stop()
    await page.goto(wall.url)
    await expect(page.getByText('40 topics', { exact: true })).toBeVisible()
    await filter(page, 'dev3/status')
    await item(page, 'status').click()
    await expect(
      inspector(page).getByRole('heading', { name: 'plant/line3/dev3/status' })
    ).toBeVisible()
    await expect(page.locator('summary', { hasText: /^Publish$/ })).toHaveCount(0)
    await expect(inspector(page).getByRole('button', { name: 'Clear retained' })).toHaveCount(0)
    await expect(
      wallApi.invoke('topics:publish', { profileId: 'plant', topic: 'plant/x', payload: 'x' })
    ).rejects.toThrow(/read-only/)
  } finally {
    await wallApi.close()
  }
})
