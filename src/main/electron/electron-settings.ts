import * as fs from 'node:fs'
import * as path from 'node:path'
import Store from 'electron-store'
import type { SettingsBackend } from '../core/settings/settings-backend'

/** electron-store under userData/settings.json; validation and recovery live in the core. */
export class ElectronStoreBackend implements SettingsBackend {
  private store: Store<Record<string, unknown>> | null = null

  constructor(private readonly dir: string) {}

  get file(): string {
    return path.join(this.dir, 'settings.json')
  }

  read(): unknown {
    if (!fs.existsSync(this.file)) return undefined
    this.store = new Store<Record<string, unknown>>({
      name: 'settings',
      cwd: this.dir,
      clearInvalidConfig: false
    })
    return this.store.store
  }

  write(data: unknown): void {
    this.store ??= new Store<Record<string, unknown>>({
      name: 'settings',
      cwd: this.dir,
      clearInvalidConfig: false
    })
    this.store.store = data as Record<string, unknown>
  }

  quarantine(): string {
    const aside = `${this.file}.corrupt-${Date.now()}`
    fs.renameSync(this.file, aside)
    this.store = null
    return aside
  }
}
