// The Electron entry: a window, and thin adapters around the core (which has no Electron).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog } from 'electron'
import { MonitorCore } from './core/monitor-core'
import { MemorySecretStore } from './core/settings/secret-store'
import { DesktopPrefs } from './electron/desktop-prefs'
import { exportTargetDialog, pickFileDialog } from './electron/dialogs'
import { ElectronStoreBackend } from './electron/electron-settings'
import { sendEvent, setupIpc } from './electron/ipc'
import { installMenu } from './electron/menu'
import { notifyOnDrop } from './electron/notifications'
import { SafeStorageSecretStore } from './electron/safe-storage-secrets'
import { claimSingleInstance } from './electron/single-instance'
import { UpdateChecker } from './electron/updates'
import { createMainWindow, hardenApp } from './electron/window'
import { loadWindowState, trackWindowState } from './electron/window-state'

const here = path.dirname(fileURLToPath(import.meta.url))
// Another data folder (tests, a second profile); set first: the single-instance lock is per folder.
if (process.env.MQTT_MONITOR_DATA_DIR)
  app.setPath('userData', path.resolve(process.env.MQTT_MONITOR_DATA_DIR))

let mainWindow: BrowserWindow | null = null
const getWindow = (): BrowserWindow | null => mainWindow
let openWindow = (): void => undefined

async function start(): Promise<void> {
  hardenApp(app)
  const dataDir = app.getPath('userData')
  // Without OS encryption, secrets live in memory only and the UI asks before keeping one.
  const secrets = SafeStorageSecretStore.available()
    ? new SafeStorageSecretStore(dataDir)
    : new MemorySecretStore()
  // Off until the user turns it on in the settings: no request to GitHub before that.
  const updates = new UpdateChecker({
    packaged: app.isPackaged,
    publish: (status) => sendEvent(getWindow, 'app:update', status)
  })
  const core = await MonitorCore.create({
    mode: 'desktop',
    version: app.getVersion(),
    dataDir,
    settingsBackend: new ElectronStoreBackend(dataDir),
    secrets,
    demo: !process.argv.includes('--no-demo'),
    exportTarget: exportTargetDialog(getWindow),
    pickFile: pickFileDialog(getWindow),
    updates: { status: () => updates.current(), install: () => updates.install() }
  })
  const prefs = new DesktopPrefs((await core.handlers['settings:get'](undefined)).ui, (ui) =>
    updates.setEnabled(ui.checkForUpdates)
  )
  setupIpc(core, getWindow, { observe: (channel, value) => prefs.observe(channel, value) })
  notifyOnDrop(
    (listener) => core.on('connection:status', listener),
    () => prefs.notifyOnDrop,
    () => getWindow()?.focus()
  )
  installMenu(getWindow)

  const stateFile = path.join(dataDir, 'window-state.json')
  const icon = path.join(here, '../../resources/icon.png')
  openWindow = () => {
    const { maximized, ...bounds } = loadWindowState(stateFile) ?? { maximized: false }
    const devUrl = process.env.ELECTRON_RENDERER_URL
    mainWindow = createMainWindow({
      preload: path.join(here, '../preload/index.cjs'),
      load:
        devUrl && !app.isPackaged
          ? { url: devUrl }
          : { file: path.join(here, '../renderer/index.html') },
      bounds: 'width' in bounds ? bounds : undefined,
      maximized,
      icon: process.platform === 'linux' && fs.existsSync(icon) ? icon : undefined
    })
    trackWindowState(mainWindow, stateFile)
    mainWindow.on('closed', () => (mainWindow = null))
  }
  openWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow()
  })
  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting) return
    event.preventDefault()
    quitting = true
    void core.close().finally(() => app.quit())
  })
}

if (claimSingleInstance(app, getWindow, () => openWindow())) {
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  void app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      dialog.showErrorBox('MQTT Live Monitor could not start', String(error))
      app.exit(1)
    })
}
