import { AppError } from '../../shared/contract'
import type { UpdateStatus } from '../../shared/types'

type Listener = (...args: never[]) => void

/** The part of electron-updater's AppUpdater this uses (a fake stands in for it in tests). */
export interface Updater {
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  on(event: string, listener: Listener): unknown
  checkForUpdates(): Promise<unknown>
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void
}

interface ReleaseInfo {
  version: string
  releaseNotes?: string | { version: string; note: string | null }[] | null
}

/**
 * electron-updater, loaded only once the user turns checks on: until then not even its code
 * runs. Its provider (GitHub releases) comes from app-update.yml, which electron-builder
 * writes into the installed app from the `publish` setting.
 */
export async function loadElectronUpdater(): Promise<Updater> {
  // A CommonJS module: under ESM its exports object is the default export.
  const mod = (await import('electron-updater')) as unknown as {
    default?: { autoUpdater: Updater }
    autoUpdater?: Updater
  }
  const updater = mod.default?.autoUpdater ?? mod.autoUpdater
  if (!updater) throw new Error('electron-updater has no autoUpdater')
  return updater
}

const MAX_NOTES = 20_000

/**
 * Release notes as plain text: GitHub gives them as HTML, and text from the network is never
 * shown as markup. Tags become line breaks or nothing; the few common entities are decoded.
 */
export function plainNotes(notes: ReleaseInfo['releaseNotes']): string {
  const html = Array.isArray(notes)
    ? notes.map((n) => `${n.version}\n${n.note ?? ''}`).join('\n\n')
    : (notes ?? '')
  const text = html
    .replace(/<\s*(br|\/p|\/li|\/h\d|\/div)\s*\/?>/gi, '\n')
    .replace(/<\s*li[^>]*>/gi, '• ')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  return text.length > MAX_NOTES ? `${text.slice(0, MAX_NOTES)}…` : text
}

function errorWords(error: unknown): string {
  const first = String((error as Error)?.message ?? error)
    .split('\n')[0]
    .slice(0, 300)
  return `Could not check for updates: ${first}`
}

export interface UpdateCheckerOptions {
  /** Installed from an installer (app.isPackaged): only then is there anything to update. */
  packaged: boolean
  load?: () => Promise<Updater>
  /** Sends each new status to the window. */
  publish: (status: UpdateStatus) => void
  /** Between checks while the app runs (default 6 h). */
  intervalMs?: number
}

/**
 * Checks GitHub releases for a newer version when, and only when, the user turned it on.
 * A newer version downloads in the background and installs when the app quits (or at once
 * with "Restart and install"); the settings show its notes and progress.
 */
export class UpdateChecker {
  private status: UpdateStatus = { state: 'off' }
  private updater: Updater | null = null
  private timer: ReturnType<typeof setInterval> | null = null
  private enabled = false

  constructor(private readonly options: UpdateCheckerOptions) {}

  current(): UpdateStatus {
    return this.status
  }

  setEnabled(on: boolean): void {
    if (on === this.enabled) return
    this.enabled = on
    if (!on) {
      if (this.timer) clearInterval(this.timer)
      this.timer = null
      if (this.updater) this.updater.autoInstallOnAppQuit = false
      this.set({ state: 'off' })
      return
    }
    if (!this.options.packaged) {
      this.set({
        state: 'unsupported',
        message:
          'This copy runs from a build folder, not an installer: updates come with the installed app.'
      })
      return
    }
    if (this.updater) this.updater.autoInstallOnAppQuit = true
    void this.check()
    this.timer = setInterval(() => void this.check(), this.options.intervalMs ?? 6 * 3600_000)
    this.timer.unref?.()
  }

  /** "Restart and install": only once an update is downloaded. */
  install(): UpdateStatus {
    if (this.status.state !== 'ready' || !this.updater)
      throw new AppError('not-ready', 'No update has been downloaded yet.')
    this.updater.quitAndInstall(false, true)
    return this.status
  }

  private async check(): Promise<void> {
    // A download in progress or done is not interrupted by the next periodic check.
    if (this.status.state === 'downloading' || this.status.state === 'ready') return
    try {
      const updater = await this.ensureUpdater()
      if (!this.enabled) return
      await updater.checkForUpdates()
    } catch (error) {
      if (this.enabled) this.set({ state: 'error', message: errorWords(error) })
    }
  }

  private async ensureUpdater(): Promise<Updater> {
    if (this.updater) return this.updater
    const updater = await (this.options.load ?? loadElectronUpdater)()
    updater.autoDownload = true
    updater.autoInstallOnAppQuit = true
    const on = (event: string, listener: (arg: never) => void): void => {
      updater.on(event, (arg: never) => {
        if (this.enabled) listener(arg)
      })
    }
    on('checking-for-update', () => this.set({ state: 'checking' }))
    on('update-not-available', () => this.set({ state: 'current' }))
    on('update-available', (info: ReleaseInfo) =>
      this.set({
        state: 'downloading',
        version: info.version,
        notes: plainNotes(info.releaseNotes),
        percent: 0
      })
    )
    on('download-progress', (progress: { percent: number }) => {
      if (this.status.state === 'downloading')
        this.set({ ...this.status, percent: Math.floor(progress.percent) })
    })
    on('update-downloaded', (info: ReleaseInfo) =>
      this.set({ state: 'ready', version: info.version, notes: plainNotes(info.releaseNotes) })
    )
    on('error', (error: Error) => this.set({ state: 'error', message: errorWords(error) }))
    this.updater = updater
    return updater
  }

  private set(status: UpdateStatus): void {
    this.status = status
    this.options.publish(status)
  }
}
