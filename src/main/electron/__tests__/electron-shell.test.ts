import { beforeEach, describe, expect, it, vi } from 'vitest'
import { invokeChannels, type Envelope } from '../../../shared/contract'
import type { Handlers, MonitorCore } from '../../core/monitor-core'
import {
  FakeBrowserWindow,
  FakeFrame,
  FakeWebContents,
  ipcEvent,
  ipcHandlers,
  opened
} from './electron-mock'

vi.mock('electron', async () => (await import('./electron-mock')).electronMock)

const { createMainWindow, secureWebPreferences } = await import('../window')
const { setupIpc } = await import('../ipc')

/** A core whose handlers record calls: the binding under test is what decides who gets through. */
function fakeCore(): { core: MonitorCore; calls: string[] } {
  const calls: string[] = []
  const handlers = Object.fromEntries(
    invokeChannels.map((channel) => [
      channel,
      async (req: unknown) => (calls.push(channel), { echoed: req })
    ])
  ) as unknown as Handlers
  const core = { handlers, on: () => () => undefined } as unknown as MonitorCore
  return { core, calls }
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
    const prefs = (FakeBrowserWindow.instances[0].options.webPreferences ?? {}) as Record<
      string,
      unknown
    >
    expect(prefs).toMatchObject({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false
    })
    expect(secureWebPreferences('/x')).toEqual({ ...prefs, preload: '/x' })
  })

  it('denies new windows and navigation, opening https links in the system browser instead', () => {
    const win = createMainWindow({
      preload: '/p.cjs',
      load: { url: 'http://localhost:5173/' }
    }) as unknown as FakeBrowserWindow
    const contents = win.webContents
    expect(contents.windowOpenHandler?.({ url: 'https://example.org/help' })).toEqual({
      action: 'deny'
    })
    expect(opened).toContain('https://example.org/help')
    expect(contents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(opened).not.toContain('file:///etc/passwd')
    expect(contents.emitPreventable('will-navigate', 'https://evil.example/')).toBe(true)
    expect(contents.emitPreventable('will-redirect', 'https://evil.example/')).toBe(true)
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
      const envelope = (await ipcHandlers.get('settings:get')!(event)) as Envelope<unknown>
      expect(envelope).toEqual({
        ok: false,
        error: {
          code: 'forbidden',
          message: 'Request refused: it did not come from the app window.'
        }
      })
    }
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
})
