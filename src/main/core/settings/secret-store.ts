import * as fs from 'node:fs'
import * as path from 'node:path'
import type { SecretKind } from '../../../shared/schemas'

/** Where passwords and key passphrases live; never in the settings file. */
export interface SecretStore {
  /** Shown in the UI so the user knows how their secrets are kept. */
  readonly description: string
  /** Cannot keep secrets past this run: a save must carry the user's consent to that. */
  readonly sessionOnly?: boolean
  get(profileId: string, kind: SecretKind): string | undefined
  set(profileId: string, kind: SecretKind, value: string): void
  delete(profileId: string, kind?: SecretKind): void
}

/** `MQTT_MONITOR_PASSWORD_<PROFILE ID>` / `MQTT_MONITOR_PASSPHRASE_<PROFILE ID>` (upper case, non-alphanumerics as _). */
export function secretEnvName(profileId: string, kind: SecretKind): string {
  return `MQTT_MONITOR_${kind.toUpperCase()}_${profileId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`
}

/** Keys among `keys` that delete(profileId, kind) removes: one secret, or all of a profile's. */
export function keysToDelete(
  keys: Iterable<string>,
  profileId: string,
  kind?: SecretKind
): string[] {
  return [...keys].filter(
    (key) => key === `${profileId}:${kind}` || (!kind && key.startsWith(`${profileId}:`))
  )
}

/** Writes JSON readable by the user only (0600), atomically: a crash never leaves half a file. */
export function writePrivateJson(file: string, data: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const tmp = `${file}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 })
  fs.chmodSync(tmp, 0o600)
  fs.renameSync(tmp, file)
}

/**
 * Serve mode has no OS keychain: secrets go to `secrets.json` beside the settings, readable
 * by the user only (0600), or come from environment variables, which win and are never written.
 */
export class FileSecretStore implements SecretStore {
  readonly description: string
  private data: Record<string, string> = {}

  constructor(
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv = process.env
  ) {
    this.description = `in ${file} (readable only by you) or environment variables`
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown
      if (parsed && typeof parsed === 'object') this.data = parsed as Record<string, string>
    } catch {
      this.data = {}
    }
  }

  get(profileId: string, kind: SecretKind): string | undefined {
    return this.env[secretEnvName(profileId, kind)] ?? this.data[`${profileId}:${kind}`]
  }

  set(profileId: string, kind: SecretKind, value: string): void {
    this.data[`${profileId}:${kind}`] = value
    this.persist()
  }

  delete(profileId: string, kind?: SecretKind): void {
    for (const key of keysToDelete(Object.keys(this.data), profileId, kind)) delete this.data[key]
    this.persist()
  }

  private persist(): void {
    writePrivateJson(this.file, this.data)
  }
}

/**
 * Kept in memory until the app quits, and only with the user's consent (see `sessionOnly`):
 * the desktop where safeStorage cannot encrypt, or `serve --session-secrets`.
 */
export class MemorySecretStore implements SecretStore {
  readonly description = 'in memory until the app quits (never written to disk)'
  readonly sessionOnly = true
  private readonly data = new Map<string, string>()

  constructor(private readonly env: NodeJS.ProcessEnv = {}) {}

  get(profileId: string, kind: SecretKind): string | undefined {
    return this.env[secretEnvName(profileId, kind)] ?? this.data.get(`${profileId}:${kind}`)
  }
  set(profileId: string, kind: SecretKind, value: string): void {
    this.data.set(`${profileId}:${kind}`, value)
  }
  delete(profileId: string, kind?: SecretKind): void {
    for (const key of keysToDelete(this.data.keys(), profileId, kind)) this.data.delete(key)
  }
}
