import * as fs from 'node:fs'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { invokeChannels, type Envelope } from '../../../shared/contract'
import type { Handlers, MonitorCore } from '../../core/monitor-core'
import {
  app,
  FakeBrowserWindow,
  FakeFrame,
  FakeWebContents,
  ipcEvent,
  ipcHandlers,
  opened,
  permissionHandlers
} from './electron-mock'

vi.mock('electron', async () => (await import('./electron-mock')).electronModule)

const { createMainWindow, hardenApp } = await import('../window')
const { setupIpc } = await import('../ipc')

/** A core whose handlers record calls: the binding under test is what decides who gets through. */
function fakeCore(fail?: Error): { core: MonitorCore; calls: string[] } {
  const calls: string[] = []
  const handlers = Object.fromEntries(
    invokeChannels.map((channel) => [
      channel,
      async (req: unknown) => {
        calls.push(channel)
        if (fail) throw fail
        return { echoed: req }
      }
    ])
  ) as unknown as Handlers
  const core = { handlers, on: () => () => undefined } as unknown as MonitorCore
  return { core, calls }
}

const FORBIDDEN = {
  ok: false,
  error: { code: 'forbidden', message: 'Request refused: it did not come from the app window.' }
}

describe('the Electron window', () => {
  beforeEach(() => {
    FakeBrowserWindow.instances = []
  })

  it('is created with context isolation, the sandbox and no Node integration', () => {
    createMainWindow({
      preload: '/app/preload/index.cjs',
      load: { file: '/app/renderer/index.html' }
    })
    const win = FakeBrowserWindow.instances[0]
    expect(win.options.webPreferences).toEqual({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick'
    })
    expect(win.loaded).toBe('/app/renderer/index.html')
  })

  it('denies every new window and navigation, and opens nothing outside', () => {
    const win = createMainWindow({
      preload: '/p.cjs',
      load: { url: 'http://localhost:5173/' }
    }) as unknown as FakeBrowserWindow
    const contents = win.webContents
    for (const url of ['https://example.org/help', 'file:///etc/passwd', 'javascript:alert(1)'])
      expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' })
    expect(opened).toEqual([])
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview'])
      expect(contents.emitPreventable(event, 'https://evil.example/')).toBe(true)
  })

  it('locks down any other web contents too, and grants the renderer no permission', () => {
    hardenApp(app as never)
    const other = new FakeWebContents()
    app.emit('web-contents-created', {}, other)
    expect(other.windowOpenHandler?.({ url: 'https://x.example/' })).toEqual({ action: 'deny' })
    expect(other.emitPreventable('will-navigate', 'https://evil.example/')).toBe(true)
    for (const permission of ['notifications', 'media', 'geolocation', 'clipboard-read']) {
      let granted: boolean | undefined
      permissionHandlers.request?.({}, permission, (ok) => (granted = ok))
      expect(granted).toBe(false)
      expect(permissionHandlers.check?.({}, permission)).toBe(false)
    }
  })
})

describe("the renderer's Content-Security-Policy (index.html)", () => {
  it('allows scripts from the app only: no eval, no inline script, no plugins', () => {
    const html = fs.readFileSync('src/renderer/index.html', 'utf8')
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? ''
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/)
        return [name, values]
      })
    )
    expect(directives['default-src']).toEqual(["'self'"])
    expect(directives['script-src']).toEqual(["'self'"])
    expect(directives['object-src']).toEqual(["'none'"])
    expect(directives['base-uri']).toEqual(["'none'"])
    expect(directives['connect-src']).toEqual(["'self'"])
    expect(csp).not.toMatch(/unsafe-eval|wasm-unsafe-eval|\*/)
    // The only inline script is none: the entry is an external module.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
  })
})

describe('the IPC binding', () => {
  beforeEach(() => ipcHandlers.clear())

  it('registers a handler for every channel of the contract and no other', () => {
    const win = new FakeBrowserWindow({})
    setupIpc(fakeCore().core, () => win as never)
    expect([...ipcHandlers.keys()].sort()).toEqual([...invokeChannels].sort())
  })

  it('answers requests from its own window', async () => {
    const win = new FakeBrowserWindow({})
    const { core, calls } = fakeCore()
    setupIpc(core, () => win as never)
    const envelope = (await ipcHandlers.get('connection:open')!(ipcEvent(win), {
      profileId: 'p1'
    })) as Envelope<unknown>
    expect(envelope).toEqual({ ok: true, value: { echoed: { profileId: 'p1' } } })
    expect(calls).toEqual(['connection:open'])
  })

  it('refuses a request from another window or from a sub-frame, without calling the core', async () => {
    const win = new FakeBrowserWindow({})
    const other = { webContents: new FakeWebContents() }
    const { core, calls } = fakeCore()
    setupIpc(core, () => win as never)
    for (const event of [ipcEvent(other), ipcEvent(win, new FakeFrame('https://evil.example/'))]) {
      expect(await ipcHandlers.get('settings:get')!(event)).toEqual(FORBIDDEN)
    }
    expect(calls).toEqual([])
  })

  it('refuses everything once the window is gone, or before there is one', async () => {
    const win = new FakeBrowserWindow({})
    let current: FakeBrowserWindow | null = null
    const { core, calls } = fakeCore()
    setupIpc(core, () => current as never)
    expect(await ipcHandlers.get('settings:get')!(ipcEvent(win))).toEqual(FORBIDDEN)
    current = win
    win.destroyed = true
    expect(await ipcHandlers.get('settings:get')!(ipcEvent(win))).toEqual(FORBIDDEN)
    expect(calls).toEqual([])
  })

  it('refuses malformed arguments with a plain message instead of crashing', async () => {
    const win = new FakeBrowserWindow({})
    const { core, calls } = fakeCore()
    setupIpc(core, () => win as never)
    const envelope = (await ipcHandlers.get('connection:open')!(ipcEvent(win), {
      profileId: 42
    })) as Envelope<unknown>
    expect(envelope.ok).toBe(false)
    expect(!envelope.ok && envelope.error).toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/connection:open \(profileId\)/)
    })
    expect(calls).toEqual([])
  })

  it('answers a bad-request envelope on every channel for arguments of the wrong type', async () => {
    const win = new FakeBrowserWindow({})
    const { core, calls } = fakeCore()
    setupIpc(core, () => win as never)
    for (const channel of invokeChannels) {
      for (const raw of [12345, 'text', [1, 2]]) {
        const envelope = (await ipcHandlers.get(channel)!(ipcEvent(win), raw)) as Envelope<unknown>
        expect(envelope, `${channel} with ${JSON.stringify(raw)}`).toMatchObject({
          ok: false,
          error: { code: 'bad-request', message: expect.stringContaining(channel) }
        })
      }
    }
    expect(calls).toEqual([])
  })

  it('turns a failing handler into an error envelope, and observes only successes', async () => {
    const win = new FakeBrowserWindow({})
    const seen: string[] = []
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    setupIpc(fakeCore(new Error('disk full')).core, () => win as never, {
      observe: (channel) => seen.push(channel)
    })
    expect(await ipcHandlers.get('capture:list')!(ipcEvent(win))).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Something went wrong: disk full' }
    })
    consoleError.mockRestore()
    expect(seen).toEqual([])
    ipcHandlers.clear()
    setupIpc(fakeCore().core, () => win as never, { observe: (channel) => seen.push(channel) })
    await ipcHandlers.get('settings:get')!(ipcEvent(win))
    expect(seen).toEqual(['settings:get'])
  })
})
