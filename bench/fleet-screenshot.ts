// Takes a screenshot of the app on a 500-device fleet (a real Mosquitto, serve mode, Chromium):
// `node --import tsx bench/fleet-screenshot.ts <file.png>`. For the README and release notes.
import { chromium } from '@playwright/test'
import { fleetTopic, startFleet } from '../test-support/fleet'
import { startMosquitto } from '../test-support/mosquitto'
import { startServe } from '../test-support/serve'
import { connectProfile, connectWsApi } from '../test-support/ws-api'

const out = process.argv[2] ?? 'fleet.png'
const broker = await startMosquitto({ anonymous: true, password: false })
const app = await startServe([])
const api = await connectWsApi(app.url)
await connectProfile(api, broker, {
  id: 'plant',
  name: 'Plant broker',
  clientId: 'fleet-screenshot',
  protocolVersion: '5.0',
  topics: [{ filter: '#', qos: 0 }]
})
await api.invoke('settings:select-profile', { profileId: 'plant' })
const fleet = await startFleet({ url: broker.url('anonymous'), intervalMs: 1000 })
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' })
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
  await page.goto(app.url)
  await new Promise((r) => setTimeout(r, 8000))
  const tree = page.getByRole('tree', { name: 'Topic tree' })
  for (const name of ['plant', 'line4']) {
    const row = tree.getByRole('treeitem', { name, exact: true })
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.twisty').click()
  }
  const leaf = fleetTopic(4).split('/')
  await tree.getByRole('treeitem', { name: leaf[2], exact: true }).locator('.twisty').click()
  await tree.getByRole('treeitem', { name: leaf[3], exact: true }).click()
  await new Promise((r) => setTimeout(r, 3000))
  await page.screenshot({ path: out, fullPage: false })
  console.log(`saved ${out}`)
} finally {
  await browser.close()
  await fleet.stop()
  await api.close()
  await app.stop()
  await broker.close()
}
