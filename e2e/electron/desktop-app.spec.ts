// The built desktop app in a real Electron: what only the desktop has. The demo in a
// locked-down window, Export CSV through the native save dialog, the menu and its shortcuts,
// passwords encrypted by the OS (safeStorage) on disk, a second launch bringing the first to
// the front, the window's size and place kept across a restart, and the update check off by
// default. Runs wherever an Electron binary exists (CI on Windows, macOS and Linux under
// xvfb-run); elsewhere, as on this project's own machines, it is reported skipped with the
// reason. Screenshots go to SCREENSHOT_DIR, which CI keeps.
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test'
import type { Api, InvokeChannel, Req, Res } from '../../src/shared/contract'
import { findElectronBinary, SCREENSHOT_DIR } from './electron-binary'

const binary = findElectronBinary()
if (!binary.ok) console.log(`[electron] skipped: ${binary.reason}`)
test.skip(!binary.ok, binary.ok ? '' : binary.reason)
test.describe.configure({ mode: 'serial' })

const MAIN = path.resolve('out/main/index.js')
const PASSWORD = 'desktop-Secret-8841'
/**
 * Chromium switches for CI runners: Linux has no desktop session to pick the keyring from
 * (CI starts gnome-keyring on a private bus, so name it), and macOS would ask to unlock the
 * login keychain; its mock keychain still encrypts, with a fixed key.
 */
const SWITCHES =
  process.platform === 'linux'
    ? ['--password-store=gnome-libsecret']
    : process.platform === 'darwin'
      ? ['--use-mock-keychain']
      : []

let dataDir: string
let app: ElectronApplication
let page: Page
/** Whether the OS encrypted the password in this run (decided in that test). */
let encrypted = false

async function launch(): Promise<void> {
  app = await _electron.launch({
    executablePath: binary.ok ? binary.path : '',
    args: [...SWITCHES, MAIN],
    env: { ...process.env, MQTT_MONITOR_DATA_DIR: dataDir } as Record<string, string>
  })
  page = await app.firstWindow()
  await page.waitForLoadState('domcontentloaded')
  // The demo connects at every start (whichever profile the form shows).
  await expect
    .poll(async () => (await invoke('connection:list')).map((s) => `${s.name}: ${s.state}`), {
      timeout: 30_000
    })
    .toContain('Demo sensors: connected')
}

/** Calls the window's own `api` (the preload's), as the UI does. */
function invoke<C extends InvokeChannel>(channel: C, req?: Req<C>): Promise<Res<C>> {
  return page.evaluate(
    ([c, r]) => (Reflect.get(globalThis, 'api') as Api).invoke(c as never, r as never),
    [channel, req] as const
  ) as Promise<Res<C>>
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${process.platform}-${name}.png`) })
}

test.beforeAll(async () => {
  if (!binary.ok) return
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first`)
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true })
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlm-electron-'))
  await launch()
})
test.afterAll(async () => {
  await app?.close()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

test('opens the demo in a locked-down window, and the chart moves', async () => {
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
  await screenshot('demo')
})

test('Export CSV asks the native save dialog where to write, and a cancel writes nothing', async () => {
  const file = path.join(dataDir, 'export.csv')
  // The dialog itself is the OS's: it is answered here, and what the app asked it is kept.
  await app.evaluate(({ dialog }, target) => {
    const calls: unknown[] = []
    Reflect.set(globalThis, 'saveDialogCalls', calls)
    Reflect.set(globalThis, 'saveDialogAnswer', { canceled: false, filePath: target })
    dialog.showSaveDialog = (async (...args: unknown[]) => {
      calls.push({ parented: args.length === 2, options: args[args.length - 1] })
      return Reflect.get(globalThis, 'saveDialogAnswer')
    }) as never
  }, file)
  const exportDialog = page.getByRole('dialog', { name: 'Export CSV' })
  const clickMenu = (id: string) =>
    app.evaluate(({ Menu }, item) => Menu.getApplicationMenu()?.getMenuItemById(item)?.click(), id)

  await clickMenu('export')
  await exportDialog.getByRole('button', { name: 'Export', exact: true }).click()
  await expect(page.getByText(/Exported \d+ rows to export\.csv/)).toBeVisible()
  await screenshot('export')
  const calls = (await app.evaluate(() => Reflect.get(globalThis, 'saveDialogCalls'))) as {
    parented: boolean
    options: { title: string; defaultPath: string; filters: unknown }
  }[]
  expect(calls).toHaveLength(1)
  expect(calls[0].parented).toBe(true)
  expect(calls[0].options).toMatchObject({
    title: 'Export CSV',
    defaultPath: expect.stringMatching(/\.csv$/),
    filters: [{ name: 'CSV', extensions: ['csv'] }]
  })
  const [header, ...rows] = fs
    .readFileSync(file, 'utf8')
    .replace(/^\ufeff/, '')
    .trim()
    .split(/\r?\n/)
  expect(header).toMatch(/^time,epoch_ms,topic,/)
  expect(header).toContain('temperature')
  expect(rows.length).toBeGreaterThan(0)

  // Closing the save dialog without a file cancels the export.
  fs.rmSync(file)
  await app.evaluate(() =>
    Reflect.set(globalThis, 'saveDialogAnswer', { canceled: true, filePath: '' })
  )
  await clickMenu('export')
  await exportDialog.getByRole('button', { name: 'Export', exact: true }).click()
  await expect(page.getByText('Export cancelled')).toBeVisible()
  expect(fs.existsSync(file)).toBe(false)
})

test('the menu carries the documented shortcuts, and each item acts in the window', async () => {
  // Playwright types into the page, not into the native menu, so the accelerators are read
  // from the menu and the items are used the way a shortcut uses them.
  const accelerators = await app.evaluate(({ Menu }) =>
    ['connect', 'disconnect', 'export', 'settings', 'pause'].map(
      (id) => Menu.getApplicationMenu()?.getMenuItemById(id)?.accelerator
    )
  )
  expect(accelerators).toEqual([
    'CmdOrCtrl+K',
    'CmdOrCtrl+Shift+K',
    'CmdOrCtrl+E',
    'CmdOrCtrl+,',
    'CmdOrCtrl+P'
  ])
  const clickMenu = (id: string) =>
    app.evaluate(({ Menu }, item) => Menu.getApplicationMenu()?.getMenuItemById(item)?.click(), id)
  const status = page.getByRole('status')

  await clickMenu('pause')
  await expect(page.getByRole('button', { name: 'Resume' }).first()).toBeVisible()
  await clickMenu('pause')
  await expect(page.getByRole('button', { name: 'Pause' }).first()).toBeVisible()

  await clickMenu('disconnect')
  await expect(status).toHaveText('Demo sensors: disconnected')
  await clickMenu('connect')
  await expect(status).toHaveText(/Demo sensors: connected/)

  await clickMenu('settings')
  await expect
    .poll(() =>
      page.evaluate(() => {
        const doc = Reflect.get(globalThis, 'document') as {
          activeElement: { closest(selector: string): unknown } | null
        }
        return doc.activeElement?.closest('aside.sidebar') != null
      })
    )
    .toBe(true)

  await clickMenu('export')
  const exportDialog = page.getByRole('dialog', { name: 'Export CSV' })
  await expect(exportDialog).toBeVisible()
  await screenshot('menu-export')
  await exportDialog.getByRole('button', { name: 'Close' }).click()
  await expect(exportDialog).toBeHidden()
})

test('a saved password is encrypted by the OS (safeStorage) on disk, never plain text', async () => {
  const crypto = await app.evaluate(({ safeStorage }) => {
    try {
      const backend =
        process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'system'
      const ok =
        safeStorage.isEncryptionAvailable() &&
        backend !== 'basic_text' &&
        safeStorage.decryptString(safeStorage.encryptString('probe')) === 'probe'
      return { ok, backend }
    } catch (error) {
      return { ok: false, backend: String(error) }
    }
  })
  if (!crypto.ok)
    console.log(`[electron] safeStorage test skipped: no OS encryption (${crypto.backend})`)
  test.skip(!crypto.ok, `No OS encryption here (safeStorage backend: ${crypto.backend})`)

  await page.getByRole('button', { name: 'New profile' }).click()
  await page.getByLabel('Name', { exact: true }).fill('Keyring broker')
  await page.getByLabel('Host', { exact: true }).fill('127.0.0.1')
  await page.getByLabel('Port', { exact: true }).fill('1883')
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByText('Saved Keyring broker.')).toBeVisible()
  await screenshot('secret-saved')

  const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as Record<
    string,
    string
  >
  const key = Object.keys(secrets).find((k) => k.endsWith(':password'))!
  expect(key).toBeDefined()
  const cipher = Buffer.from(secrets[key], 'base64')
  expect(cipher.toString('latin1')).not.toContain(PASSWORD)
  // It is the OS's encryption of the password: safeStorage in this app decrypts it.
  expect(
    await app.evaluate(
      ({ safeStorage }, b64) => safeStorage.decryptString(Buffer.from(b64, 'base64')),
      secrets[key]
    )
  ).toBe(PASSWORD)
  for (const name of fs.readdirSync(dataDir).filter((f) => f.endsWith('.json')))
    expect(fs.readFileSync(path.join(dataDir, name), 'utf8'), name).not.toContain(PASSWORD)
  encrypted = true
})

test('a second launch brings the first window to the front and quits', async () => {
  await app.evaluate(({ BrowserWindow }) => {
    const win = BrowserWindow.getAllWindows()[0]
    const focus = win.focus.bind(win)
    Reflect.set(globalThis, 'focusCalls', 0)
    win.focus = () => {
      Reflect.set(globalThis, 'focusCalls', Number(Reflect.get(globalThis, 'focusCalls')) + 1)
      focus()
    }
    win.minimize()
  })
  const second = spawn(binary.ok ? binary.path : '', [...SWITCHES, MAIN], {
    env: { ...process.env, MQTT_MONITOR_DATA_DIR: dataDir },
    stdio: 'ignore'
  })
  const code = await new Promise<number | null>((resolve) => second.once('exit', resolve))
  expect(code).toBe(0)
  await expect
    .poll(() => app.evaluate(() => Number(Reflect.get(globalThis, 'focusCalls'))))
    .toBeGreaterThan(0)
  const state = await app.evaluate(({ BrowserWindow }) => ({
    windows: BrowserWindow.getAllWindows().length,
    minimized: BrowserWindow.getAllWindows()[0].isMinimized()
  }))
  expect(state).toEqual({ windows: 1, minimized: false })
  expect(app.windows()).toHaveLength(1)
  const list = await invoke('connection:list')
  expect(list.map((s) => [s.name, s.state])).toEqual([['Demo sensors', 'connected']])
})

test('the window keeps its size and place across a restart (and the password stays saved)', async () => {
  const placed = await app.evaluate(({ BrowserWindow }) => {
    const win = BrowserWindow.getAllWindows()[0]
    win.setBounds({ x: 140, y: 120, width: 1000, height: 700 })
    return win.getBounds()
  })
  expect([placed.width, placed.height]).toEqual([1000, 700])
  await app.close()
  const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'window-state.json'), 'utf8')) as {
    x?: number
    y?: number
    width: number
    height: number
  }
  expect(saved).toMatchObject({ width: placed.width, height: placed.height, maximized: false })

  await launch()
  const restored = await app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows()[0].getBounds()
  )
  expect([restored.width, restored.height]).toEqual([saved.width, saved.height])
  // A window manager may nudge a window by its frame; the place must still be the saved one.
  if (saved.x !== undefined && saved.y !== undefined) {
    expect(Math.abs(restored.x - saved.x)).toBeLessThanOrEqual(40)
    expect(Math.abs(restored.y - saved.y)).toBeLessThanOrEqual(40)
  }
  await screenshot('restored')
  if (encrypted) {
    const view = await invoke('settings:get')
    expect(view.profiles.find((p) => p.name === 'Keyring broker')).toMatchObject({
      hasPassword: true
    })
  }
})

test('update checks are off by default; on, a copy run from a build folder says it has none', async () => {
  const options = page.getByRole('region', { name: 'App options' })
  const check = options.getByRole('checkbox', { name: 'Check for updates' })
  await expect(check).not.toBeChecked()
  expect(await invoke('update:status')).toEqual({ state: 'off' })
  await check.check()
  await expect(options.getByText(/This copy runs from a build folder/)).toBeVisible()
  await screenshot('updates')
  await check.uncheck()
  await expect(options.getByText(/This copy runs from a build folder/)).toHaveCount(0)
})
