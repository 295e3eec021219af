import type { App, BrowserWindow } from 'electron'

/**
 * One copy of the app at a time: two would fight over the same MQTT client ids and capture
 * files. A second launch quits at once and the first comes to the front (or opens a window).
 */
export function claimSingleInstance(
  app: App,
  getWindow: () => BrowserWindow | null,
  open: () => void
): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return false
  }
  app.on('second-instance', () => {
    const win = getWindow()
    if (!win || win.isDestroyed()) return open()
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
  })
  return true
}
