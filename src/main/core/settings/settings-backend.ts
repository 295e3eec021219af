import * as fs from 'node:fs'
import * as path from 'node:path'

/** Where settings are kept: a JSON file in serve mode, electron-store on the desktop. */
export interface SettingsBackend {
  /** The raw stored object, undefined when none yet; throws when the store is unreadable. */
  read(): unknown
  write(data: unknown): void
  /** Moves a damaged store aside; returns where it went. */
  quarantine(): string
}

export class JsonFileBackend implements SettingsBackend {
  constructor(readonly file: string) {}

  read(): unknown {
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
    return JSON.parse(text) as unknown
  }

  write(data: unknown): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true })
    const tmp = `${this.file}.tmp`
    fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 })
    fs.renameSync(tmp, this.file)
  }

  quarantine(): string {
    const aside = `${this.file}.corrupt-${Date.now()}`
    fs.renameSync(this.file, aside)
    return aside
  }
}
