import { BrowserWindow, nativeTheme, session, type App, type WebContents } from 'electron'

export interface Bounds {
  x?: number
  y?: number
  width: number
  height: number
}

export interface WindowOptions {
  preload: string
  /** The renderer: a dev server URL or the built index.html. */
  load: { url: string } | { file: string }
  bounds?: Bounds
  maximized?: boolean
  /** The window icon on Linux (Windows and macOS take it from the installed app). */
  icon?: string
}

export const DEFAULT_BOUNDS: Bounds = { width: 1280, height: 820 }

export function createMainWindow(options: WindowOptions): BrowserWindow {
  // The webPreferences stay a literal here, where reviewers and Electronegativity read them.
  const win = new BrowserWindow({
    ...(options.bounds ?? DEFAULT_BOUNDS),
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'MQTT Live Monitor',
    autoHideMenuBar: false,
    // Matches the page background so the window never flashes white in dark mode.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#14171c' : '#f6f7f9',
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: {
      preload: options.preload,
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
    }
  })
  lockDown(win.webContents)
  win.once('ready-to-show', () => {
    if (options.maximized) win.maximize()
    win.show()
  })
  if ('url' in options.load) void win.loadURL(options.load.url)
  else void win.loadFile(options.load.file)
  return win
}

/** No navigation away from the app, no new windows, no webviews. */
export function lockDown(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/**
 * App-wide guards: every web contents ever created is locked down (not only our window), and
 * the renderer is granted no permission (camera, notifications, ...): it needs none.
 */
export function hardenApp(app: App): void {
  app.on('web-contents-created', (_event, contents) => lockDown(contents))
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false)
  )
  session.defaultSession.setPermissionCheckHandler(() => false)
}
