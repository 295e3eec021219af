import * as path from 'node:path'
import { dialog, type BrowserWindow } from 'electron'
import type { ExportTargetResolver } from '../core/export-jobs'

export function exportTargetDialog(getWindow: () => BrowserWindow | null): ExportTargetResolver {
  return async (suggestedName) => {
    const win = getWindow()
    const options = {
      title: 'Export CSV',
      defaultPath: suggestedName,
      filters: [{ name: 'CSV', extensions: ['csv'] }]
    }
    const result = win
      ? await dialog.showSaveDialog(win, options)
      : await dialog.showSaveDialog(options)
    if (result.canceled || !result.filePath) return null
    return { path: result.filePath, fileName: path.basename(result.filePath) }
  }
}

const TITLES = {
  ca: 'Choose the CA certificate',
  cert: 'Choose the client certificate',
  key: 'Choose the client key',
  'mosquitto-db': 'Choose the Mosquitto persistence file',
  'pid-file': 'Choose the Mosquitto pid file',
  proto: 'Choose the .proto file'
}

const FILTERS: Record<keyof typeof TITLES, { name: string; extensions: string[] }> = {
  ca: { name: 'Certificates', extensions: ['pem', 'crt', 'cer', 'key'] },
  cert: { name: 'Certificates', extensions: ['pem', 'crt', 'cer', 'key'] },
  key: { name: 'Keys', extensions: ['pem', 'crt', 'cer', 'key'] },
  'mosquitto-db': { name: 'Mosquitto persistence', extensions: ['db'] },
  'pid-file': { name: 'Pid files', extensions: ['pid'] },
  proto: { name: 'Protobuf schemas', extensions: ['proto'] }
}

export function pickFileDialog(getWindow: () => BrowserWindow | null) {
  return async (purpose: keyof typeof TITLES): Promise<string | null> => {
    const win = getWindow()
    const options = {
      title: TITLES[purpose],
      properties: ['openFile' as const],
      filters: [FILTERS[purpose], { name: 'All files', extensions: ['*'] }]
    }
    const result = win
      ? await dialog.showOpenDialog(win, options)
      : await dialog.showOpenDialog(options)
    return result.canceled ? null : (result.filePaths[0] ?? null)
  }
}
