// Native integration on the shared electron mock: menu and shortcuts, single instance, window
// bounds on disk, theme, drop notifications and dialogs.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eventChannels } from '../../../shared/contract'
import { settingsSchema } from '../../../shared/schemas'
import type { ConnectionStatus } from '../../../shared/types'
import {
  app,
  electronMock,
  FakeBrowserWindow,
  FakeNotification,
  menuState,
  type MenuItemOptions
} from './electron-mock'

vi.mock('electron', async () => (await import('./electron-mock')).electronModule)

const { installMenu, menuTemplate, COMMANDS } = await import('../menu')
const { claimSingleInstance } = await import('../single-instance')
const { loadWindowState, trackWindowState } = await import('../window-state')
const { DesktopPrefs } = await import('../desktop-prefs')
const { notifyOnDrop } = await import('../notifications')
const { exportTargetDialog, pickFileDialog } = await import('../dialogs')

function flatten(items: MenuItemOptions[]): MenuItemOptions[] {
  return items.flatMap((i) => [i, ...flatten(i.submenu ?? [])])
}

describe('the application menu', () => {
  it('has the five commands with their shortcuts, each sent to the window as app:command', () => {
    const win = new FakeBrowserWindow({})
    installMenu(() => win as never)
    const items = flatten(menuState.template ?? [])
    const expected = {
      connect: 'CmdOrCtrl+K',
      disconnect: 'CmdOrCtrl+Shift+K',
      export: 'CmdOrCtrl+E',
      settings: 'CmdOrCtrl+,',
      pause: 'CmdOrCtrl+P'
    }
    for (const [command, accelerator] of Object.entries(expected)) {
      const item = items.find((i) => i.id === command)
      expect(item, command).toMatchObject({ accelerator, label: expect.any(String) })
      item!.click!()
      expect(win.webContents.sent.at(-1)).toEqual(['app:command', { command }])
    }
    expect(COMMANDS.map((c) => c.command).sort()).toEqual(Object.keys(expected).sort())
    expect(eventChannels).toContain('app:command')
    // Copy and paste work in the settings fields only through the Edit menu's roles.
    expect(items.some((i) => i.role === 'editMenu')).toBe(true)
    const accelerators = items.filter((i) => i.accelerator).map((i) => i.accelerator)
    expect(new Set(accelerators).size).toBe(accelerators.length)
  })

  it('sends nothing when there is no window, and uses the app menu on macOS', () => {
    const template = menuTemplate(() => null, 'darwin') as MenuItemOptions[]
    expect(template[0]).toEqual({ role: 'appMenu' })
    expect(() => flatten(template).find((i) => i.id === 'connect')!.click!()).not.toThrow()
    expect(menuTemplate(() => null, 'linux')[0]).toMatchObject({ label: 'File' })
  })
})

describe('single instance', () => {
  beforeEach(() => {
    app.listeners.delete('second-instance')
    app.quitCalls = 0
  })

  it('quits a second copy at once', () => {
    app.lockAvailable = false
    expect(claimSingleInstance(app as never, () => null, vi.fn())).toBe(false)
    expect(app.quitCalls).toBe(1)
    expect(app.listeners.get('second-instance')).toBeUndefined()
    app.lockAvailable = true
  })

  it('brings the first copy to the front when another is launched', () => {
    const win = new FakeBrowserWindow({})
    win.minimized = true
    const open = vi.fn()
    expect(claimSingleInstance(app as never, () => win as never, open)).toBe(true)
    app.emit('second-instance', {}, ['mqtt-live-monitor'])
    expect(win.minimized).toBe(false)
    expect(win.focused).toBe(true)
    expect(open).not.toHaveBeenCalled()
    expect(app.quitCalls).toBe(0)
  })

  it('opens a window for the second launch when none is open (macOS keeps running)', () => {
    const open = vi.fn()
    claimSingleInstance(app as never, () => null, open)
    app.emit('second-instance', {}, [])
    expect(open).toHaveBeenCalledOnce()
  })
})

describe('window size and position', () => {
  let dir: string
  let file: string
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'window-state-'))
    file = path.join(dir, 'window-state.json')
    electronMock.screen.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]
  })
  afterEach(() => {
    vi.useRealTimers()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('are saved as the window moves and when it closes, and restored next time', () => {
    vi.useFakeTimers()
    const win = new FakeBrowserWindow({ x: 10, y: 20, width: 900, height: 700 })
    trackWindowState(win as never, file)
    win.bounds = { x: 200, y: 150, width: 1000, height: 760 }
    win.emit('move')
    win.emit('resize')
    expect(fs.existsSync(file)).toBe(false) // debounced
    vi.advanceTimersByTime(600)
    expect(loadWindowState(file)).toEqual({
      x: 200,
      y: 150,
      width: 1000,
      height: 760,
      maximized: false
    })
    win.maximized = true
    win.emit('close')
    expect(loadWindowState(file)).toMatchObject({ width: 1000, maximized: true })
  })

  it('drop a position on a screen that is gone, keeping the size', () => {
    fs.writeFileSync(file, JSON.stringify({ x: 3000, y: 100, width: 900, height: 700 }))
    expect(loadWindowState(file)).toEqual({ width: 900, height: 700, maximized: false })
    electronMock.screen.displays.push({ workArea: { x: 1920, y: 0, width: 2560, height: 1440 } })
    expect(loadWindowState(file)).toMatchObject({ x: 3000, y: 100 })
  })

  it('are ignored when the file is missing or damaged', () => {
    expect(loadWindowState(file)).toBeNull()
    fs.writeFileSync(file, '{"width": "wide"')
    expect(loadWindowState(file)).toBeNull()
    fs.writeFileSync(file, JSON.stringify({ width: 5, height: 5 }))
    expect(loadWindowState(file)).toBeNull()
  })
})

describe('theme', () => {
  it('follows the system unless the user chose light or dark', () => {
    const ui = settingsSchema.parse({}).ui
    const prefs = new DesktopPrefs(ui)
    expect(electronMock.nativeTheme.themeSource).toBe('system')
    prefs.observe('settings:save-ui', { ui: { ...ui, theme: 'dark' } })
    expect(electronMock.nativeTheme.themeSource).toBe('dark')
    prefs.observe('capture:list', [])
    expect(electronMock.nativeTheme.themeSource).toBe('dark')
    prefs.observe('settings:get', { ui })
    expect(electronMock.nativeTheme.themeSource).toBe('system')
  })
})

describe('notification when a connection drops', () => {
  const status = (state: ConnectionStatus['state'], message?: string): ConnectionStatus => ({
    profileId: 'p1',
    name: 'Plant broker',
    state,
    message,
    since: Date.now()
  })

  function setup(enabled: boolean) {
    let emit: (s: ConnectionStatus) => void = () => undefined
    const clicked = vi.fn()
    notifyOnDrop(
      (listener) => ((emit = listener), () => undefined),
      () => enabled,
      clicked
    )
    return { emit: (s: ConnectionStatus) => emit(s), clicked }
  }

  beforeEach(() => {
    FakeNotification.shown = []
  })

  it('shows one when a live connection is lost, when the setting is on', () => {
    const { emit } = setup(true)
    emit(status('connecting'))
    emit(status('reconnecting'))
    expect(FakeNotification.shown).toEqual([]) // never connected: not a drop
    emit(status('connected'))
    emit(status('reconnecting', 'The broker closed the connection.'))
    expect(FakeNotification.shown).toEqual([
      {
        title: 'Plant broker: connection lost',
        body: 'The broker closed the connection. Reconnecting…'
      }
    ])
    emit(status('reconnecting'))
    expect(FakeNotification.shown).toHaveLength(1)
  })

  it('shows none when the user disconnects, or when the setting is off', () => {
    const on = setup(true)
    on.emit(status('connected'))
    on.emit(status('disconnected'))
    expect(FakeNotification.shown).toEqual([])
    const off = setup(false)
    off.emit(status('connected'))
    off.emit(status('error', 'Not authorized.'))
    expect(FakeNotification.shown).toEqual([])
  })
})

describe('native dialogs', () => {
  it('export asks where to save a .csv and reports the chosen file', async () => {
    const win = new FakeBrowserWindow({})
    const save = vi
      .spyOn(electronMock.dialog, 'showSaveDialog')
      .mockResolvedValueOnce({ canceled: false, filePath: '/home/me/run.csv' })
      .mockResolvedValueOnce({ canceled: true })
    const resolve = exportTargetDialog(() => win as never)
    expect(await resolve('capture-2025.csv', 'e1')).toEqual({
      path: '/home/me/run.csv',
      fileName: 'run.csv'
    })
    expect(save.mock.calls[0][0]).toBe(win)
    expect(save.mock.calls[0][1]).toMatchObject({
      defaultPath: 'capture-2025.csv',
      filters: [{ name: 'CSV', extensions: ['csv'] }]
    })
    expect(await resolve('x.csv', 'e2')).toBeNull()
    save.mockRestore()
  })

  it('TLS files are chosen in an open dialog titled for what is asked', async () => {
    const open = vi
      .spyOn(electronMock.dialog, 'showOpenDialog')
      .mockResolvedValue({ canceled: false, filePaths: ['/certs/client.key'] })
    const pick = pickFileDialog(() => null)
    expect(await pick('key')).toBe('/certs/client.key')
    expect(open.mock.calls[0][0]).toMatchObject({
      title: 'Choose the client key',
      properties: ['openFile']
    })
    open.mockRestore()
  })
})
