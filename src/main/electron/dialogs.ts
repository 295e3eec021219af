import * as path from 'node:path'
import { dialog, type BrowserWindow } from 'electron'
import type { ExportTargetResolver } from '../core/export/export-service'

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
  key: 'Choose the client key'
}

export function pickFileDialog(getWindow: () => BrowserWindow | null) {
  return async (purpose: 'ca' | 'cert' | 'key'): Promise<string | null> => {
    const win = getWindow()
    const options = {
      title: TITLES[purpose],
      properties: ['openFile' as const],
      filters: [
        {
          name: purpose === 'key' ? 'Keys' : 'Certificates',
          extensions: ['pem', 'crt', 'cer', 'key']
        },
        { name: 'All files', extensions: ['*'] }
      ]
    }
    const result = win
      ? await dialog.showOpenDialog(win, options)
      : await dialog.showOpenDialog(options)
    return result.canceled ? null : (result.filePaths[0] ?? null)
  }
}
