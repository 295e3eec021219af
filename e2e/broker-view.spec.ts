import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Locator, Page } from '@playwright/test'
import mqtt from 'mqtt'
import { waitForSubscribe } from '../test-support/broker-log'
import type { MosquittoBroker } from '../test-support/mosquitto'
import { drainV5, QUEUE_BROKER, runQueueScenario, saveNow } from '../test-support/queue-scenario'
import type { ServedApp } from '../test-support/serve'
import { expect, test } from './fixtures/app'
import { openNewProfile } from './fixtures/profile-form'

const run = promisify(execFile)

async function connectProfile(
  page: Page,
  app: ServedApp,
  broker: MosquittoBroker,
  name: string,
  clientId: string
) {
  await openNewProfile(page, app.url, { name, port: broker.ports.anonymous! })
  await page.getByLabel('Transport', { exact: true }).selectOption('mqtt')
  await page.getByLabel('Client ID', { exact: true }).fill(clientId)
  await page.getByLabel('Topics', { exact: true }).fill('app/#')
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText(new RegExp(`${name}: connected`))
  await waitForSubscribe(broker, clientId)
}

async function openBrokerView(page: Page): Promise<Locator> {
  const toggle = page.getByRole('button', { name: 'Broker view' })
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click()
  return page.getByRole('region', { name: 'Broker view' })
}

/** The table's rows as the cells' text: name, T, age columns, age unknown (, state). */
async function tableRows(view: Locator): Promise<string[][]> {
  const rows = view.getByRole('table', { name: 'Queued messages' }).locator('tbody tr')
  return rows.evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim()))
  )
}

test.describe('a broker with persistence, $SYS every second and its log on $SYS', () => {
  test.use({ mosquitto: QUEUE_BROKER })

  test('live $SYS figures move while a publisher runs; the queue table matches the CLI', async ({
    page,
    app,
    broker
  }) => {
    await connectProfile(page, app, broker, 'Broker', 'e2e-broker-view')
    const view = await openBrokerView(page)
    await expect(view.getByText('mosquitto version 2.0.11')).toBeVisible()
    const figures = view.getByRole('table', { name: 'Broker figures' })
    const messagesIn = figures.getByRole('row', { name: /Messages in/ }).getByRole('cell')
    await expect(messagesIn).toHaveText(/msg\/s/)

    // A publisher sends 20 messages a second: the inbound rate climbs to about that.
    const publisher = await mqtt.connectAsync(broker.url('anonymous'), { clientId: 'e2e-load' })
    const timer = setInterval(() => publisher.publish('load/x', 'x'), 50)
    try {
      await expect
        .poll(async () => parseFloat(await messagesIn.innerText()), { timeout: 20_000 })
        .toBeGreaterThan(5)
      const chart = view.getByRole('figure', { name: /messages_in.*chart \(msg\/s\)/ })
      await expect
        .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 })
        .toBeGreaterThan(2)
    } finally {
      clearInterval(timer)
      await publisher.endAsync()
    }
    // Stopped: the rate falls back.
    await expect
      .poll(async () => parseFloat(await messagesIn.innerText()), { timeout: 20_000 })
      .toBeLessThan(5)

    const scenario = await runQueueScenario(broker, 'e2e', 7000)
    await saveNow(broker)
    await expect(
      figures.getByRole('row', { name: /Publish messages dropped since start/ }).getByRole('cell')
    ).toHaveText('2')
    await expect(
      view.getByRole('list', { name: 'Clients the broker dropped messages for' })
    ).toContainText(`${scenario.v311}: outgoing messages dropped (once`)

    await view.getByLabel('Persistence file').fill(broker.persistenceFile)
    await view.getByLabel('Message expiry interval (s)').fill('3600')
    await view.getByLabel('First age column (minutes)').fill('0.1')
    await view.getByRole('button', { name: 'Read file' }).click()
    const zeros = Array(8).fill('0')
    await expect
      .poll(() => tableRows(view))
      .toEqual([
        ['TOTAL', '9', '2', '5', ...zeros, '2', ''],
        [scenario.v311, '5', '1', '3', ...zeros, '1', 'offline'],
        [scenario.v5, '4', '1', '2', ...zeros, '1', 'offline']
      ])

    // The command line prints the same counts for the same file.
    const { stdout } = await run('npm', [
      'run',
      '-s',
      'qshape',
      '--',
      broker.persistenceFile,
      '--interval',
      '3600',
      '-t',
      '0.1'
    ])
    const cli = stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/).slice(0, 13))
    expect(cli).toEqual((await tableRows(view)).map((cells) => cells.slice(0, 13)))

    await view.getByLabel('Rows by').selectOption('Publisher client id')
    await expect
      .poll(async () => (await tableRows(view)).map((r) => r.slice(0, 2)))
      .toEqual([
        ['TOTAL', '9'],
        [scenario.publisherA, '5'],
        [scenario.publisherB, '4']
      ])
    await view.getByLabel('Rows by').selectOption('Subscriber client id')

    await drainV5(broker, scenario)
    await saveNow(broker)
    await view.getByRole('button', { name: 'Refresh' }).click()
    await expect
      .poll(async () => (await tableRows(view)).map((r) => r.slice(0, 2)))
      .toEqual([
        ['TOTAL', '5'],
        [scenario.v311, '5']
      ])
    await page.screenshot({ path: 'test-results/broker-view.png', fullPage: true })
  })
})

test.describe('a broker that publishes no $SYS (sys_interval 0)', () => {
  test.use({ mosquitto: { anonymous: true, password: false, sysInterval: 0 } })

  test('gets a plain sentence after a short wait', async ({ page, app, broker }) => {
    await connectProfile(page, app, broker, 'Quiet broker', 'e2e-quiet')
    const view = await openBrokerView(page)
    await expect(
      view.getByText(
        'The broker sent no $SYS figures within 5 seconds of subscribing: it may not publish them (Mosquitto with sys_interval 0), or an access rule hides $SYS from this client.'
      )
    ).toBeVisible()
    await expect(view.getByRole('row', { name: /Clients connected/ })).toContainText(
      'not reported yet'
    )
  })
})
