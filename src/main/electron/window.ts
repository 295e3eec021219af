import { BrowserWindow, shell, type WebPreferences } from 'electron'

/** The one place webPreferences are built: every window gets the same locked-down set. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
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
    spellcheck: false
  }
}

export interface WindowOptions {
  preload: string
  /** The renderer: a dev server URL or the built index.html. */
  load: { url: string } | { file: string }
  bounds?: { x?: number; y?: number; width: number; height: number }
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    ...(options.bounds ?? { width: 1280, height: 820 }),
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'MQTT Live Monitor',
    autoHideMenuBar: false,
    webPreferences: secureWebPreferences(options.preload)
  })
  lockDown(win)
  win.once('ready-to-show', () => win.show())
  if ('url' in options.load) void win.loadURL(options.load.url)
  else void win.loadFile(options.load.file)
  return win
}

/** No navigation away from the app and no new windows; web links open in the browser. */
export function lockDown(win: BrowserWindow): void {
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  win.webContents.on('will-redirect', (event) => event.preventDefault())
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())
}
