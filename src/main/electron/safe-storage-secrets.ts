import * as fs from 'node:fs'
import * as path from 'node:path'
import { safeStorage } from 'electron'
import type { SecretKind } from '../../shared/schemas'
import { keysToDelete, writePrivateJson, type SecretStore } from '../core/settings/secret-store'

/**
 * Secrets encrypted by the OS (Keychain, DPAPI, libsecret) through safeStorage, stored as
 * base64 ciphertext in secrets.json; the plain text never touches the disk.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly description = 'encrypted by your operating system (safeStorage)'
  private data: Record<string, string> = {}
  private readonly file: string

  constructor(dir: string) {
    this.file = path.join(dir, 'secrets.json')
    try {
      this.data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as Record<string, string>
    } catch {
      this.data = {}
    }
  }

  static available(): boolean {
    if (!safeStorage.isEncryptionAvailable()) return false
    // On Linux without a keyring Electron falls back to a hard-coded key: not real encryption.
    return process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text'
  }

  get(profileId: string, kind: SecretKind): string | undefined {
    const cipher = this.data[`${profileId}:${kind}`]
    if (cipher === undefined) return undefined
    try {
      return safeStorage.decryptString(Buffer.from(cipher, 'base64'))
    } catch {
      return undefined
    }
  }

  set(profileId: string, kind: SecretKind, value: string): void {
    this.data[`${profileId}:${kind}`] = safeStorage.encryptString(value).toString('base64')
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
