// One stand-in for the 'electron' module, shared by every shell test: records what the shell
// asks of Electron so tests can check security settings and IPC wiring without a binary.
type Handler = (event: unknown, ...args: unknown[]) => unknown

export const ipcHandlers = new Map<string, Handler>()

export class FakeFrame {
  constructor(readonly url = 'file:///app/index.html') {}
}

export class FakeWebContents {
  readonly mainFrame = new FakeFrame()
  readonly sent: [string, unknown][] = []
  readonly listeners = new Map<string, ((...args: unknown[]) => void)[]>()
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload])
  }
  on(event: string, listener: (...args: unknown[]) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }
  /** Fires a navigation-type event and reports whether the shell prevented it. */
  emitPreventable(event: string, url: string): boolean {
    let prevented = false
    for (const l of this.listeners.get(event) ?? [])
      l({ preventDefault: () => (prevented = true) }, url)
    return prevented
  }
}

export class FakeBrowserWindow {
  static instances: FakeBrowserWindow[] = []
  readonly webContents = new FakeWebContents()
  loaded: string | null = null
  constructor(readonly options: Record<string, unknown>) {
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
  once(): this {
    return this
  }
  on(): this {
    return this
  }
  show(): void {}
  isDestroyed(): boolean {
    return false
  }
}

export const opened: string[] = []

export const electronMock = {
  ipcMain: {
    handle: (channel: string, handler: Handler) => ipcHandlers.set(channel, handler),
    removeHandler: (channel: string) => ipcHandlers.delete(channel)
  },
  BrowserWindow: FakeBrowserWindow,
  shell: { openExternal: async (url: string) => void opened.push(url) },
  app: {
    getPath: () => '/tmp',
    getVersion: () => '0.0.0-test',
    isPackaged: false,
    on: () => undefined
  },
  dialog: {
    showSaveDialog: async () => ({ canceled: true }),
    showOpenDialog: async () => ({ canceled: true, filePaths: [] })
  },
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (s: string) => Buffer.from(`enc:${Buffer.from(s).toString('base64')}`),
    decryptString: (b: Buffer) => Buffer.from(b.toString().slice(4), 'base64').toString()
  }
}

/** An IPC event as Electron delivers it from a given window's main frame (or another frame). */
export function ipcEvent(
  win: FakeBrowserWindow | { webContents: FakeWebContents },
  frame?: FakeFrame
): unknown {
  return { sender: win.webContents, senderFrame: frame ?? win.webContents.mainFrame }
}
