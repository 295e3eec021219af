import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import * as path from 'node:path'

export type ElectronBinary = { ok: true; path: string } | { ok: false; reason: string }

/**
 * The binary `require('electron')` resolves to, found the way electron/index.js finds it but
 * without running that file, which tries to download a missing binary.
 */
export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  const dir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  const pathFile = path.join(dir, 'path.txt')
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8') : null
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative ?? 'electron')
    : relative && path.join(dir, 'dist', relative)
  if (!binary)
    return {
      ok: false,
      reason: `No Electron binary on this machine: node_modules/electron has none (its download was skipped${env.ELECTRON_SKIP_BINARY_DOWNLOAD ? ' by ELECTRON_SKIP_BINARY_DOWNLOAD' : ' or failed'}; the release host is unreachable here)`
    }
  if (!fs.existsSync(binary))
    return { ok: false, reason: `No Electron binary on this machine: ${binary} is missing` }
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return { ok: false, reason: 'Electron is installed but there is no display (use xvfb-run)' }
  return { ok: true, path: binary }
}

/** Where the desktop spec saves its screenshots; CI keeps this folder as an artifact. */
export const SCREENSHOT_DIR = 'test-results/electron-screenshots'
