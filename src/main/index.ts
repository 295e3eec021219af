// The Electron entry: a window, and thin adapters around the core (which has no Electron).
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow } from 'electron'
import { MonitorCore } from './core/monitor-core'
import { MemorySecretStore } from './core/settings/secret-store'
import { exportTargetDialog, pickFileDialog } from './electron/dialogs'
import { ElectronStoreBackend } from './electron/electron-settings'
import { setupIpc } from './electron/ipc'
import { SafeStorageSecretStore } from './electron/safe-storage-secrets'
import { createMainWindow } from './electron/window'

const here = path.dirname(fileURLToPath(import.meta.url))
let mainWindow: BrowserWindow | null = null
const getWindow = (): BrowserWindow | null => mainWindow

async function start(): Promise<void> {
  const dataDir = app.getPath('userData')
  const secrets = SafeStorageSecretStore.available()
    ? new SafeStorageSecretStore(dataDir)
    : new MemorySecretStore()
  const core = await MonitorCore.create({
    mode: 'desktop',
    version: app.getVersion(),
    dataDir,
    settingsBackend: new ElectronStoreBackend(dataDir),
    secrets,
    demo: !process.argv.includes('--no-demo'),
    exportTarget: exportTargetDialog(getWindow),
    pickFile: pickFileDialog(getWindow)
  })
  setupIpc(core, getWindow)
  const open = (): void => {
    const devUrl = process.env.ELECTRON_RENDERER_URL
    mainWindow = createMainWindow({
      preload: path.join(here, '../preload/index.cjs'),
      load:
        devUrl && !app.isPackaged
          ? { url: devUrl }
          : { file: path.join(here, '../renderer/index.html') }
    })
    mainWindow.on('closed', () => (mainWindow = null))
  }
  open()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open()
  })
  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting) return
    event.preventDefault()
    quitting = true
    void core.close().finally(() => app.quit())
  })
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

void app.whenReady().then(start)
