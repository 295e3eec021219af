import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron'
import type { AppCommandName } from '../../shared/types'
import { sendEvent } from './ipc'

/** The app's own commands: each reaches the renderer as an `app:command` event. */
export const COMMANDS: { command: AppCommandName; label: string; accelerator: string }[] = [
  { command: 'connect', label: 'Connect', accelerator: 'CmdOrCtrl+K' },
  { command: 'disconnect', label: 'Disconnect', accelerator: 'CmdOrCtrl+Shift+K' },
  { command: 'export', label: 'Export CSV…', accelerator: 'CmdOrCtrl+E' },
  { command: 'settings', label: 'Connection Settings…', accelerator: 'CmdOrCtrl+,' },
  { command: 'pause', label: 'Pause or Resume Charts', accelerator: 'CmdOrCtrl+P' }
]

export function sendCommand(getWindow: () => BrowserWindow | null, command: AppCommandName): void {
  sendEvent(getWindow, 'app:command', { command })
}

export function menuTemplate(
  getWindow: () => BrowserWindow | null,
  platform: NodeJS.Platform = process.platform
): MenuItemConstructorOptions[] {
  const item = (command: AppCommandName): MenuItemConstructorOptions => {
    const c = COMMANDS.find((x) => x.command === command)!
    return {
      id: command,
      label: c.label,
      accelerator: c.accelerator,
      click: () => sendCommand(getWindow, command)
    }
  }
  const mac = platform === 'darwin'
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        item('connect'),
        item('disconnect'),
        { type: 'separator' },
        item('export'),
        { type: 'separator' },
        item('settings'),
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' }
      ]
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        item('pause'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' }
      ]
    },
    { role: 'windowMenu' }
  ]
}

export function installMenu(getWindow: () => BrowserWindow | null): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(getWindow)))
}
