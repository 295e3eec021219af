// The topic tree and inspector with what earlier work made visible: a Sparkplug B edge node's
// and device's state in words on their tree rows (through births, a seq gap, deaths and a
// rebirth published to a real Mosquitto), and the inspector listing an earlier run's messages
// after the app restarts on the same data folder.
import mqtt from 'mqtt'
import type { Locator, Page } from '@playwright/test'
import { sparkplugPayloadType } from '../src/main/core/decode/sparkplug/sparkplug-payload'
import { logMark, waitForSubscribe } from '../test-support/broker-log'
import { waitUntil } from '../test-support/wait'
import { connectProfile } from '../test-support/ws-api'
import { expect, test } from './fixtures/app'

test.use({ mosquitto: { password: false } })

const T = sparkplugPayloadType()
const encode = (payload: object): Buffer => Buffer.from(T.encode(T.fromObject(payload)).finish())

const tree = (page: Page): Locator => page.getByRole('tree', { name: 'Topic tree' })
const item = (page: Page, name: string): Locator =>
  tree(page).getByRole('treeitem', { name, exact: true })
const inspector = (page: Page): Locator => page.getByRole('region', { name: 'Message inspector' })

test('a Sparkplug edge node and device read online, offline and online again in the tree, with the seq gap', async ({
  page,
  broker,
  app,
  api
}) => {
  await connectProfile(api, broker, {
    id: 'works',
    name: 'Works',
    clientId: 'e2e-sparkplug',
    topics: [{ filter: 'spBv1.0/#', qos: 1 }]
  })
  const edge = await mqtt.connectAsync(broker.url('anonymous'), { clientId: 'e2e-edge' })
  const send = (topic: string, payload: object): Promise<unknown> =>
    edge.publishAsync(`spBv1.0/Works/${topic}`, encode(payload), { qos: 1 })
  const births = async (bdSeq: number): Promise<void> => {
    await send('NBIRTH/Pump1', {
      seq: 0,
      metrics: [{ name: 'bdSeq', datatype: 4, long_value: bdSeq }]
    })
    await send('DBIRTH/Pump1/Tank', {
      seq: 1,
      metrics: [{ name: 'Level', alias: 5, datatype: 10, double_value: 1.5 }]
    })
  }
  await births(0)
  await send('DDATA/Pump1/Tank', { seq: 2, metrics: [{ alias: 5, datatype: 10, double_value: 2 }] })
  await send('DDATA/Pump1/Tank', { seq: 5, metrics: [{ alias: 5, datatype: 10, double_value: 3 }] })

  await page.goto(app.url)
  await page.getByRole('searchbox', { name: 'Filter topics' }).fill('spBv1.0/Works/DDATA/#')
  const node = item(page, 'Pump1')
  const device = item(page, 'Tank')
  // In words on the row, and read out with it by a screen reader.
  await expect(node).toContainText('online · 1 seq gap')
  await expect(node).toHaveAccessibleDescription(/^online · 1 seq gap /)
  await expect(device).toContainText('online')
  await expect(device).toHaveAccessibleDescription(/^online /)

  await send('DDEATH/Pump1/Tank', { seq: 6 })
  await expect(device).toHaveAccessibleDescription(/^offline /)
  await expect(node).toHaveAccessibleDescription(/^online · 1 seq gap /)

  await send('NDEATH/Pump1', { metrics: [{ name: 'bdSeq', datatype: 4, long_value: 0 }] })
  await expect(node).toHaveAccessibleDescription(/^offline · 1 seq gap /)
  await expect(node.locator('.sparkplug-state')).toHaveText('offline · 1 seq gap')

  await births(1)
  await expect(node).toHaveAccessibleDescription(/^online · 1 seq gap /)
  await expect(device).toHaveAccessibleDescription(/^online /)
  await edge.endAsync()
})

test('after a restart the inspector lists the earlier run\u2019s messages of a topic with their exact payloads', async ({
  page,
  broker,
  app,
  api,
  serve
}) => {
  await connectProfile(api, broker, {
    id: 'rig',
    name: 'Rig',
    clientId: 'e2e-rig',
    topics: [{ filter: 'rig/#', qos: 1 }]
  })
  const client = await mqtt.connectAsync(broker.url('anonymous'), { clientId: 'e2e-rig-pub' })
  await client.publishAsync('rig/raw', 'first before the restart', { qos: 1 })
  await client.publishAsync('rig/raw', Buffer.from([0xde, 0xad, 0x00, 0xbe, 0xef]), { qos: 1 })
  await waitUntil(
    async () => (await api.invoke('capture:list')).reduce((n, c) => n + c.messages, 0) >= 2,
    'both messages captured'
  )
  await api.close()
  await app.stop()

  // The same data folder: the profile reconnects by itself.
  const mark = logMark(broker)
  const restarted = await serve([], { dataDir: app.dataDir })
  await waitForSubscribe(broker, 'e2e-rig', mark)
  await client.publishAsync('rig/raw', 'after the restart', { qos: 1 })
  await client.endAsync()

  await page.goto(restarted.url)
  await page.getByRole('searchbox', { name: 'Filter topics' }).fill('rig/#')
  await item(page, 'raw').click()
  const panel = inspector(page)
  const list = panel.getByRole('list', { name: 'Messages' }).getByRole('button')
  await expect(list).toHaveCount(3)
  await expect(list.nth(0)).toContainText('QoS 1')
  await expect(list.nth(1)).toContainText('earlier run')
  await expect(list.nth(2)).toContainText('earlier run')
  await expect(panel.getByLabel('Payload as text')).toHaveText('after the restart')

  await list.nth(1).click()
  await expect(panel.getByRole('tab', { name: 'Hex' })).toHaveAttribute('aria-selected', 'true')
  await expect(panel.getByLabel('Payload as hex')).toContainText('00000000  de ad 00 be ef')
  await expect(panel.getByLabel('Message details')).toContainText(
    'in the capture journal, from an earlier run'
  )
  await expect(panel.getByText('5 bytes', { exact: true })).toBeVisible()

  await list.nth(2).click()
  await panel.getByRole('tab', { name: 'Text' }).click()
  await expect(panel.getByLabel('Payload as text')).toHaveText('first before the restart')
})
