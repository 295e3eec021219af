// The built desktop app in a real Electron: the demo, a moving chart, a CSV export through the
// menu, and a second launch that gives way to the first. Runs wherever an Electron binary
// exists; elsewhere (this project's CI) it is reported skipped with the reason.
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test'
import { findElectronBinary } from './electron-binary'

const binary = findElectronBinary()
if (!binary.ok) console.log(`[electron] skipped: ${binary.reason}`)
test.skip(!binary.ok, binary.ok ? '' : binary.reason)

const MAIN = path.resolve('out/main/index.js')
let dataDir: string
let app: ElectronApplication
let page: Page

test.beforeAll(async () => {
  if (!binary.ok) return
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first`)
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlm-electron-'))
  app = await _electron.launch({
    executablePath: binary.path,
    args: [MAIN],
    env: { ...process.env, MQTT_MONITOR_DATA_DIR: dataDir }
  })
  page = await app.firstWindow()
})
test.afterAll(async () => {
  await app?.close()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

test('opens the demo, the chart moves, and Export CSV writes the file chosen in the dialog', async () => {
  await expect(page.getByRole('status')).toHaveText(/Demo sensors: connected/, { timeout: 30_000 })
  const chart = page.getByRole('figure', { name: /temperature.*chart/ })
  const points = async () => Number(await chart.getAttribute('data-points'))
  await expect.poll(points, { timeout: 20_000 }).toBeGreaterThan(2)
  const before = await points()
  await expect.poll(points, { timeout: 20_000 }).toBeGreaterThan(before)

  // The page has no Node and no Electron internals, only the api.
  const globals = await page.evaluate(() =>
    ['api', 'require', 'process'].map((name) => typeof Reflect.get(globalThis, name))
  )
  expect(globals).toEqual(['object', 'undefined', 'undefined'])

  const file = path.join(dataDir, 'export.csv')
  await app.evaluate(({ dialog }, target) => {
    dialog.showSaveDialog = (async () => ({ canceled: false, filePath: target })) as never
  }, file)
  // File > Export CSV… (the menu item its shortcut triggers).
  await app.evaluate(({ Menu }) => Menu.getApplicationMenu()?.getMenuItemById('export')?.click())
  const dialog = page.getByRole('dialog', { name: 'Export CSV' })
  await dialog.getByRole('button', { name: 'Export', exact: true }).click()
  await expect(page.getByText(/Exported \d+ rows to export\.csv/)).toBeVisible()
  const [header, ...rows] = fs
    .readFileSync(file, 'utf8')
    .replace(/^\ufeff/, '')
    .trim()
    .split(/\r?\n/)
  expect(header).toMatch(/^time,epoch_ms,topic,/)
  expect(header).toContain('temperature')
  expect(rows.length).toBeGreaterThan(0)
})

test('a second launch with the same data folder quits and leaves the first running', async () => {
  const second = spawn(binary.ok ? binary.path : '', [MAIN], {
    env: { ...process.env, MQTT_MONITOR_DATA_DIR: dataDir },
    stdio: 'ignore'
  })
  const code = await new Promise<number | null>((resolve) => second.once('exit', resolve))
  expect(code).toBe(0)
  await expect(page.getByRole('status')).toHaveText(/Demo sensors: connected/)
  expect(app.windows()).toHaveLength(1)
})
