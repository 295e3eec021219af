import * as fs from 'node:fs'
import * as path from 'node:path'
import Store from 'electron-store'
import type { SettingsBackend } from '../core/settings/settings-backend'

/**
 * electron-store under userData/settings.json. Validation, defaults, migrations and recovery
 * live in the core (SettingsService), so electron-store is told not to clear a bad file: a
 * damaged file makes read() throw and the core keeps it aside.
 */
export class ElectronStoreBackend implements SettingsBackend {
  private store: Store<Record<string, unknown>> | null = null

  constructor(private readonly dir: string) {}

  get file(): string {
    return path.join(this.dir, 'settings.json')
  }

  read(): unknown {
    if (!fs.existsSync(this.file)) return undefined
    return this.open().store
  }

  write(data: unknown): void {
    this.open().store = data as Record<string, unknown>
  }

  quarantine(): string {
    const aside = `${this.file}.corrupt-${Date.now()}`
    fs.renameSync(this.file, aside)
    this.store = null
    return aside
  }

  private open(): Store<Record<string, unknown>> {
    this.store ??= new Store<Record<string, unknown>>({
      name: 'settings',
      cwd: this.dir,
      clearInvalidConfig: false,
      // Profiles hold host names and user names: readable by this user only.
      configFileMode: 0o600
    })
    return this.store
  }
}
