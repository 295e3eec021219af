// One stand-in for the 'electron' module, shared by every shell test: records what the shell
// asks of Electron so tests can check security settings and IPC wiring without a binary.
// Use it with: vi.mock('electron', async () => (await import('./electron-mock')).electronModule)
import * as os from 'node:os'

type Handler = (event: unknown, ...args: unknown[]) => unknown
type Listener = (...args: unknown[]) => unknown

export const ipcHandlers = new Map<string, Handler>()
export const ipcListeners = new Map<string, Handler>()

/** A tiny event emitter with the `on`/`once`/`emit` shape Electron objects have. */
class Emitter {
  readonly listeners = new Map<string, Listener[]>()
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }
  once(event: string, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.off(event, wrapped)
      return listener(...args)
    }
    return this.on(event, wrapped)
  }
  off(event: string, listener: Listener): this {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((l) => l !== listener)
    )
    return this
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) l(...args)
  }
}

export class FakeFrame {
  constructor(readonly url = 'file:///app/index.html') {}
}

export class FakeWebContents extends Emitter {
  readonly mainFrame = new FakeFrame()
  readonly sent: [string, unknown][] = []
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload])
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }
  /** Fires a navigation-type event and reports whether the shell prevented it. */
  emitPreventable(event: string, url: string): boolean {
    let prevented = false
    this.emit(event, { preventDefault: () => (prevented = true) }, url)
    return prevented
  }
}

interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export class FakeBrowserWindow extends Emitter {
  static instances: FakeBrowserWindow[] = []
  readonly webContents = new FakeWebContents()
  loaded: string | null = null
  bounds: Rect
  maximized = false
  minimized = false
  focused = false
  destroyed = false
  constructor(readonly options: Record<string, unknown>) {
    super()
    const o = options as Partial<Rect>
    this.bounds = { x: o.x ?? 100, y: o.y ?? 100, width: o.width ?? 800, height: o.height ?? 600 }
    FakeBrowserWindow.instances.push(this)
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances
  }
  loadURL(url: string): Promise<void> {
    this.loaded = url
    return Promise.resolve()
  }
  loadFile(file: string): Promise<void> {
    this.loaded = file
    return Promise.resolve()
  }
  show(): void {}
  focus(): void {
    this.focused = true
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  getBounds(): Rect {
    return { ...this.bounds }
  }
  getNormalBounds(): Rect {
    return { ...this.bounds }
  }
  setBounds(bounds: Rect): void {
    this.bounds = { ...bounds }
  }
  isMaximized(): boolean {
    return this.maximized
  }
  maximize(): void {
    this.maximized = true
  }
  isMinimized(): boolean {
    return this.minimized
  }
  restore(): void {
    this.minimized = false
  }
}

export const opened: string[] = []

export class FakeNotification extends Emitter {
  static shown: { title: string; body: string }[] = []
  static supported = true
  static isSupported(): boolean {
    return FakeNotification.supported
  }
  constructor(readonly options: { title: string; body: string }) {
    super()
  }
  show(): void {
    FakeNotification.shown.push({ title: this.options.title, body: this.options.body })
  }
}

class FakeApp extends Emitter {
  userData = os.tmpdir()
  isPackaged = false
  lockAvailable = true
  quitCalls = 0
  getPath(): string {
    return this.userData
  }
  setPath(_name: string, value: string): void {
    this.userData = value
  }
  getVersion(): string {
    return '0.0.0-test'
  }
  whenReady(): Promise<void> {
    return Promise.resolve()
  }
  requestSingleInstanceLock(): boolean {
    return this.lockAvailable
  }
  quit(): void {
    this.quitCalls++
  }
  exit(): void {
    this.quitCalls++
  }
}

export const app = new FakeApp()

export interface MenuItemOptions {
  label?: string
  id?: string
  role?: string
  accelerator?: string
  type?: string
  submenu?: MenuItemOptions[]
  click?: () => void
}

export const menuState: { template: MenuItemOptions[] | null; applied: unknown } = {
  template: null,
  applied: null
}

export const permissionHandlers: {
  request: ((wc: unknown, permission: string, callback: (ok: boolean) => void) => void) | null
  check: ((wc: unknown, permission: string) => boolean) | null
} = { request: null, check: null }

export const safeStorage = {
  encryptionAvailable: true,
  backend: 'gnome_libsecret',
  isEncryptionAvailable(): boolean {
    return this.encryptionAvailable
  },
  getSelectedStorageBackend(): string {
    return this.backend
  },
  encryptString: (s: string) => Buffer.from(`enc:${Buffer.from(s).toString('base64')}`),
  decryptString: (b: Buffer) => Buffer.from(b.toString().slice(4), 'base64').toString()
}

export const electronMock = {
  ipcMain: {
    handle: (channel: string, handler: Handler) => ipcHandlers.set(channel, handler),
    removeHandler: (channel: string) => ipcHandlers.delete(channel),
    // electron-store registers a listener of its own.
    on: (channel: string, handler: Handler) => ipcListeners.set(channel, handler)
  },
  BrowserWindow: FakeBrowserWindow,
  Notification: FakeNotification,
  shell: { openExternal: async (url: string) => void opened.push(url) },
  app,
  dialog: {
    errors: [] as string[],
    showErrorBox(title: string, content: string): void {
      this.errors.push(`${title}: ${content}`)
    },
    showSaveDialog: async (..._args: unknown[]): Promise<unknown> => ({ canceled: true }),
    showOpenDialog: async (..._args: unknown[]): Promise<unknown> => ({
      canceled: true,
      filePaths: []
    })
  },
  Menu: {
    buildFromTemplate: (template: MenuItemOptions[]) => ({ template }),
    setApplicationMenu: (menu: unknown) => {
      menuState.applied = menu
      menuState.template = (menu as { template: MenuItemOptions[] } | null)?.template ?? null
    }
  },
  nativeTheme: { themeSource: 'system', shouldUseDarkColors: false },
  screen: {
    displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
    getAllDisplays(): { workArea: Rect }[] {
      return this.displays
    }
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: typeof permissionHandlers.request) =>
        (permissionHandlers.request = h),
      setPermissionCheckHandler: (h: typeof permissionHandlers.check) =>
        (permissionHandlers.check = h)
    }
  },
  safeStorage
}

/** The renderer-side half, for the preload. */
export const rendererSide = {
  exposed: {} as Record<string, unknown>,
  invoked: [] as [string, unknown][],
  reply: { ok: true, value: null } as unknown,
  listeners: new Map<string, Handler[]>()
}

export const contextBridge = {
  exposeInMainWorld: (key: string, api: unknown) => (rendererSide.exposed[key] = api)
}

export const ipcRenderer = {
  invoke: async (channel: string, req: unknown) => {
    rendererSide.invoked.push([channel, req])
    return rendererSide.reply
  },
  on: (channel: string, handler: Handler) =>
    rendererSide.listeners.set(channel, [...(rendererSide.listeners.get(channel) ?? []), handler]),
  removeListener: (channel: string, handler: Handler) =>
    rendererSide.listeners.set(
      channel,
      (rendererSide.listeners.get(channel) ?? []).filter((h) => h !== handler)
    )
}

Object.assign(electronMock, { contextBridge, ipcRenderer })

/** The module as both `import { app } from 'electron'` and `import electron from 'electron'` see it. */
export const electronModule = { ...electronMock, default: electronMock }

/** An IPC event as Electron delivers it from a given window's main frame (or another frame). */
export function ipcEvent(
  win: FakeBrowserWindow | { webContents: FakeWebContents },
  frame?: FakeFrame
): unknown {
  return { sender: win.webContents, senderFrame: frame ?? win.webContents.mainFrame }
}
