// src/main/index.ts started on the shared electron mock with a real core in a temp folder:
// what the desktop app wires up, and what its secrets look like on disk and over IPC.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { invokeChannels, type Envelope } from '../../../shared/contract'
import type { AppInfo, SettingsView } from '../../../shared/types'
import {
  app,
  electronMock,
  FakeBrowserWindow,
  ipcEvent,
  ipcHandlers,
  menuState,
  permissionHandlers,
  safeStorage
} from './electron-mock'

// One mock instance for every fresh import of the entry (vi.resetModules below).
const mock = await vi.hoisted(async () => await import('./electron-mock'))
vi.mock('electron', () => mock.electronModule)

const PASSWORD = 'desktop-Pw-5521'
const profile = {
  id: 'lab',
  name: 'Lab broker',
  host: '127.0.0.1',
  port: 1883,
  clientId: 'desktop-test-client'
}

let dir: string

async function startApp(): Promise<FakeBrowserWindow> {
  FakeBrowserWindow.instances = []
  ipcHandlers.clear()
  vi.resetModules()
  await import('../../index')
  await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1), { timeout: 10_000 })
  return FakeBrowserWindow.instances[0]
}

async function invoke<T>(win: FakeBrowserWindow, channel: string, req?: unknown): Promise<T> {
  const envelope = (await ipcHandlers.get(channel)!(ipcEvent(win), req)) as Envelope<T>
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`)
  return envelope.value
}

/** Quits the app as Electron would, and waits for the core to close. */
async function quit(): Promise<void> {
  const before = app.quitCalls
  app.emit('before-quit', { preventDefault: () => undefined })
  await vi.waitFor(() => expect(app.quitCalls).toBeGreaterThan(before))
  app.listeners.delete('before-quit')
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desktop-main-'))
  process.env.MQTT_MONITOR_DATA_DIR = dir
  if (!process.argv.includes('--no-demo')) process.argv.push('--no-demo')
})
afterEach(() => {
  delete process.env.MQTT_MONITOR_DATA_DIR
  safeStorage.encryptionAvailable = true
  fs.rmSync(dir, { recursive: true, force: true })
})
afterAll(() => {
  process.argv = process.argv.filter((a) => a !== '--no-demo')
})

describe('the desktop entry (src/main/index.ts)', () => {
  it('opens one locked-down window in the chosen data folder, with menu, IPC and guards', async () => {
    const win = await startApp()
    expect(app.getPath()).toBe(dir)
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: expect.stringMatching(/preload[\\/]index\.cjs$/)
    })
    expect(win.loaded).toMatch(/renderer[\\/]index\.html$/)
    expect([...ipcHandlers.keys()].sort()).toEqual([...invokeChannels].sort())
    expect(menuState.template?.length).toBeGreaterThan(0)
    expect(permissionHandlers.request).toBeTypeOf('function')
    expect(app.listeners.get('second-instance')).toHaveLength(1)
    const info = await invoke<AppInfo>(win, 'app:info')
    expect(info).toMatchObject({ mode: 'desktop', dataDir: dir, sessionOnlySecrets: false })
    // The window's size is remembered in the same folder.
    win.emit('close')
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'window-state.json'), 'utf8'))).toMatchObject({
      width: win.bounds.width,
      height: win.bounds.height
    })
    await quit()
  })

  it('keeps a saved password encrypted, out of settings.json, and never answers it back', async () => {
    const win = await startApp()
    const view = await invoke<SettingsView>(win, 'settings:save-profile', {
      profile,
      password: { action: 'set', value: PASSWORD }
    })
    expect(view.profiles.find((p) => p.id === 'lab')).toMatchObject({ hasPassword: true })
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'))
    expect(files).toEqual(expect.arrayContaining(['settings.json', 'secrets.json']))
    for (const file of files)
      expect(fs.readFileSync(path.join(dir, file), 'utf8'), file).not.toContain(PASSWORD)
    // Every read the renderer can make: none carries the secret.
    for (const channel of ['app:info', 'settings:get', 'connection:list', 'capture:list']) {
      expect(JSON.stringify(await invoke(win, channel)), channel).not.toContain(PASSWORD)
    }
    // The theme choice reaches the native theme through the same binding.
    await invoke(win, 'settings:save-ui', { theme: 'dark' })
    expect(electronMock.nativeTheme.themeSource).toBe('dark')
    await quit()
  })

  it('without a keyring, keeps a secret only for this session and only when the user agrees', async () => {
    safeStorage.encryptionAvailable = false
    const win = await startApp()
    expect(await invoke<AppInfo>(win, 'app:info')).toMatchObject({ sessionOnlySecrets: true })
    await expect(
      invoke(win, 'settings:save-profile', {
        profile,
        password: { action: 'set', value: PASSWORD }
      })
    ).rejects.toThrow(/needs-consent: This computer cannot encrypt the password/)
    expect((await invoke<SettingsView>(win, 'settings:get')).profiles).toEqual([])

    const view = await invoke<SettingsView>(win, 'settings:save-profile', {
      profile,
      password: { action: 'set', value: PASSWORD, sessionOnly: true }
    })
    expect(view.profiles.find((p) => p.id === 'lab')).toMatchObject({ hasPassword: true })
    expect(fs.existsSync(path.join(dir, 'secrets.json'))).toBe(false)
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')))
      expect(fs.readFileSync(path.join(dir, file), 'utf8')).not.toContain(PASSWORD)
    await quit()

    // The next run has the profile but not the password.
    const again = await startApp()
    const next = await invoke<SettingsView>(again, 'settings:get')
    expect(next.profiles.find((p) => p.id === 'lab')).toMatchObject({ hasPassword: false })
    await quit()
  })
  it('leaves update checks off until the setting is on, then tells the window what it found', async () => {
    const win = await startApp()
    expect(await invoke(win, 'update:status')).toEqual({ state: 'off' })
    await expect(invoke(win, 'update:install')).rejects.toThrow(
      'not-ready: No update has been downloaded yet.'
    )
    await invoke(win, 'settings:save-ui', { checkForUpdates: true })
    // The mock app is not packaged (as `electron-vite preview` is not): nothing to update.
    const sent = win.webContents.sent.filter(([channel]) => channel === 'app:update')
    expect(sent).toEqual([
      [
        'app:update',
        {
          state: 'unsupported',
          message:
            'This copy runs from a build folder, not an installer: updates come with the installed app.'
        }
      ]
    ])
    expect(await invoke(win, 'update:status')).toMatchObject({ state: 'unsupported' })
    await quit()
  })
})
