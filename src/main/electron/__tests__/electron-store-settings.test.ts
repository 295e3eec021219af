// The desktop's settings and secrets on disk: the real electron-store (on the shared electron
// mock) under the real SettingsService, and safeStorage-encrypted secrets.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { profileSchema, settingsSchema } from '../../../shared/schemas'
import type { Notice } from '../../../shared/types'
import { SettingsService } from '../../core/settings/settings-service'
import { app, ipcListeners, safeStorage } from './electron-mock'

vi.mock('electron', async () => (await import('./electron-mock')).electronModule)

const { ElectronStoreBackend } = await import('../electron-settings')
const { SafeStorageSecretStore } = await import('../safe-storage-secrets')

const PASSWORD = 'broker-Pw-4417'
const PASSPHRASE = 'key-Pass-9930'

let dir: string
let notices: Notice[]
const settingsFile = (): string => path.join(dir, 'settings.json')
const secretsFile = (): string => path.join(dir, 'secrets.json')
const read = (file: string): string => fs.readFileSync(file, 'utf8')

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'electron-store-test-'))
  app.userData = dir
  notices = []
  safeStorage.encryptionAvailable = true
  safeStorage.backend = 'gnome_libsecret'
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

function open(): SettingsService {
  return new SettingsService(new ElectronStoreBackend(dir), new SafeStorageSecretStore(dir), (n) =>
    notices.push(n)
  )
}

const profile = profileSchema.parse({
  id: 'plant-1',
  name: 'Plant broker',
  host: 'mqtt.plant.local',
  port: 8883,
  transport: 'mqtts',
  username: 'monitor',
  clientId: 'monitor-plant-1'
})

describe('ElectronStoreBackend (the real electron-store)', () => {
  it('writes settings.json through electron-store, readable only by the user', () => {
    const backend = new ElectronStoreBackend(dir)
    expect(backend.read()).toBeUndefined()
    expect(fs.existsSync(settingsFile())).toBe(false)
    backend.write({ version: 1, profiles: [], selectedProfileId: 'x' })
    expect(JSON.parse(read(settingsFile()))).toEqual({
      version: 1,
      profiles: [],
      selectedProfileId: 'x'
    })
    // Windows has no POSIX mode bits: the per-user AppData folder's ACL does this there.
    if (process.platform !== 'win32') expect(fs.statSync(settingsFile()).mode & 0o777).toBe(0o600)
    expect(new ElectronStoreBackend(dir).read()).toEqual({
      version: 1,
      profiles: [],
      selectedProfileId: 'x'
    })
    // electron-store took its defaults from the (mocked) Electron app.
    expect(ipcListeners.has('electron-store-get-data')).toBe(true)
  })

  it('throws on a damaged file instead of silently clearing it', () => {
    fs.writeFileSync(settingsFile(), '{"version":1,"profiles":[')
    expect(() => new ElectronStoreBackend(dir).read()).toThrow()
    expect(read(settingsFile())).toBe('{"version":1,"profiles":[')
  })

  it('saves a profile and reads it back in a new service', () => {
    open().saveProfile({ profile })
    const again = open()
    expect(again.current.profiles).toEqual([profile])
    expect(notices).toEqual([])
  })

  it('recovers from a corrupt settings file: kept aside byte for byte, defaults, a notice', () => {
    const garbage = '\u0000\u0007 not json {'
    fs.writeFileSync(settingsFile(), garbage)
    const service = open()
    expect(service.current).toEqual(settingsSchema.parse({}))
    const aside = fs.readdirSync(dir).filter((f) => f.startsWith('settings.json.corrupt-'))
    expect(aside).toHaveLength(1)
    expect(read(path.join(dir, aside[0]))).toBe(garbage)
    expect(notices).toEqual([
      {
        level: 'warning',
        message: expect.stringMatching(/settings file was damaged.*started with default settings/)
      }
    ])
    // A fresh, valid file replaced it, and saving works again.
    expect(JSON.parse(read(settingsFile()))).toEqual(settingsSchema.parse({}))
    service.saveProfile({ profile })
    expect(open().current.profiles).toEqual([profile])
  })

  it('recovers from valid JSON of the wrong shape the same way', () => {
    fs.writeFileSync(settingsFile(), JSON.stringify({ version: 1, profiles: 'oops' }))
    expect(open().current).toEqual(settingsSchema.parse({}))
    expect(notices).toHaveLength(1)
  })
})

describe('secrets on the desktop (safeStorage)', () => {
  it('never writes a password or passphrase in plain text, in either file', () => {
    const service = open()
    service.saveProfile({
      profile,
      password: { action: 'set', value: PASSWORD },
      passphrase: { action: 'set', value: PASSPHRASE }
    })
    for (const file of [settingsFile(), secretsFile()]) {
      expect(read(file)).not.toContain(PASSWORD)
      expect(read(file)).not.toContain(PASSPHRASE)
    }
    expect(read(secretsFile())).toContain(safeStorage.encryptString(PASSWORD).toString('base64'))
    // Windows has no POSIX mode bits: the per-user AppData folder's ACL does this there.
    if (process.platform !== 'win32') expect(fs.statSync(secretsFile()).mode & 0o777).toBe(0o600)
    // A new run decrypts them; the settings view only says that they are set.
    const again = open()
    expect(again.secrets.get('plant-1', 'password')).toBe(PASSWORD)
    expect(again.secrets.get('plant-1', 'passphrase')).toBe(PASSPHRASE)
    expect(again.view().profiles[0]).toMatchObject({ hasPassword: true, hasPassphrase: true })
    expect(JSON.stringify(again.view())).not.toContain(PASSWORD)
  })

  it('counts as unavailable where Linux has no keyring (basic_text is not encryption)', () => {
    expect(SafeStorageSecretStore.available()).toBe(true)
    safeStorage.encryptionAvailable = false
    expect(SafeStorageSecretStore.available()).toBe(false)
    safeStorage.encryptionAvailable = true
    safeStorage.backend = 'basic_text'
    expect(SafeStorageSecretStore.available()).toBe(process.platform !== 'linux')
  })
})
