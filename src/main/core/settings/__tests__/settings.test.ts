import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { profileSchema, settingsSchema, type Profile } from '../../../../shared/schemas'
import type { Notice } from '../../../../shared/types'
import {
  FileSecretStore,
  MemorySecretStore,
  secretEnvName,
  type SecretStore
} from '../secret-store'
import { JsonFileBackend } from '../settings-backend'
import { migrate, SettingsService } from '../settings-service'

const SECRET = 'hunter2-S3cr3t!'
const PASSPHRASE = 'key-pass-Zq9'

let dir: string
let settingsFile: string
let secretsFile: string
let notices: Notice[]

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'settings-test-'))
  settingsFile = path.join(dir, 'settings.json')
  secretsFile = path.join(dir, 'secrets.json')
  notices = []
})
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

function open(env: NodeJS.ProcessEnv = {}): SettingsService {
  return new SettingsService(
    new JsonFileBackend(settingsFile),
    new FileSecretStore(secretsFile, env),
    (n) => notices.push(n)
  )
}

function profile(over: Partial<z.input<typeof profileSchema>> = {}): Profile {
  return profileSchema.parse({
    id: 'lab-1',
    name: 'Lab broker',
    host: 'broker.local',
    port: 8883,
    transport: 'mqtts',
    username: 'alice',
    clientId: 'monitor-1',
    ...over
  })
}

const read = (file: string) => fs.readFileSync(file, 'utf8')
const defaults = settingsSchema.parse({})

describe('SettingsService', () => {
  it('starts from defaults when there is no settings file, without writing one', () => {
    const service = open()
    expect(service.current).toEqual(defaults)
    expect(notices).toEqual([])
    expect(fs.existsSync(settingsFile)).toBe(false)
  })

  it('saves a profile and reads it back in a new service', () => {
    open().saveProfile({ profile: profile({ topics: [{ filter: 'sensors/#' }] }) })
    const again = open()
    expect(again.current.profiles).toEqual([profile({ topics: [{ filter: 'sensors/#' }] })])
    expect(again.current.selectedProfileId).toBe('lab-1')
    expect(again.profile('lab-1').topics[0].decoder.csvColumns).toEqual([
      'temperature',
      'pressure',
      'altitude'
    ])
  })

  it('never writes a password to settings.json; keeps it in secrets.json with mode 0600', () => {
    const service = open()
    service.saveProfile({
      profile: profile(),
      password: { action: 'set', value: SECRET },
      passphrase: { action: 'set', value: PASSPHRASE }
    })
    expect(read(settingsFile)).not.toContain(SECRET)
    expect(read(settingsFile)).not.toContain(PASSPHRASE)
    expect(read(secretsFile)).toContain(SECRET)
    expect(read(secretsFile)).toContain(PASSPHRASE)
    // Windows has no POSIX mode bits: the per-user AppData folder's ACL does this there.
    if (process.platform !== 'win32') expect(fs.statSync(secretsFile).mode & 0o777).toBe(0o600)
    expect(open().secrets.get('lab-1', 'password')).toBe(SECRET)
  })

  it('reports hasPassword in view() without the value', () => {
    const service = open()
    const view = service.saveProfile({
      profile: profile(),
      password: { action: 'set', value: SECRET }
    })
    expect(view.profiles[0]).toMatchObject({ id: 'lab-1', hasPassword: true, hasPassphrase: false })
    expect(JSON.stringify(view)).not.toContain(SECRET)
    expect(JSON.stringify(service.current)).not.toContain(SECRET)
  })

  it("keeps the secret on {action:'keep'} and removes it on {action:'clear'}", () => {
    const service = open()
    service.saveProfile({ profile: profile(), password: { action: 'set', value: SECRET } })
    const kept = service.saveProfile({
      profile: profile({ name: 'Renamed' }),
      password: { action: 'keep' }
    })
    expect(kept.profiles[0]).toMatchObject({ name: 'Renamed', hasPassword: true })
    expect(open().secrets.get('lab-1', 'password')).toBe(SECRET)

    const cleared = service.saveProfile({ profile: profile(), password: { action: 'clear' } })
    expect(cleared.profiles[0].hasPassword).toBe(false)
    expect(read(secretsFile)).not.toContain(SECRET)
    expect(open().view().profiles[0].hasPassword).toBe(false)
  })

  it('deleting a profile deletes its secrets', () => {
    const service = open()
    service.saveProfile({ profile: profile(), password: { action: 'set', value: SECRET } })
    service.saveProfile({ profile: profile({ id: 'other', clientId: 'c2' }) })
    const view = service.deleteProfile('lab-1')
    expect(view.profiles.map((p) => p.id)).toEqual(['other'])
    expect(view.selectedProfileId).toBe('other')
    expect(read(secretsFile)).not.toContain(SECRET)
  })

  describe('a damaged settings file', () => {
    const cases: [string, string][] = [
      ['garbage text', 'this is {not json'],
      ['valid JSON of the wrong shape', '{"version":1,"profiles":"nope","autoConnect":7}'],
      ['a JSON array', '[1,2,3]']
    ]
    for (const [name, text] of cases) {
      it(`is moved aside with its bytes intact when it holds ${name}, and defaults are used`, () => {
        fs.writeFileSync(settingsFile, text)
        const service = open()
        expect(service.current).toEqual(defaults)
        const aside = fs.readdirSync(dir).filter((f) => f.startsWith('settings.json.corrupt-'))
        expect(aside).toHaveLength(1)
        expect(read(path.join(dir, aside[0]))).toBe(text)
        expect(notices).toHaveLength(1)
        expect(notices[0].level).toBe('warning')
        expect(notices[0].message).toMatch(/damaged.*default settings/)
        expect(notices[0].message).toContain(aside[0])
        // The replacement file is valid and loads quietly.
        notices = []
        expect(open().current).toEqual(defaults)
        expect(notices).toEqual([])
      })
    }
  })

  describe('migrate', () => {
    const v0 = {
      profiles: [
        {
          ...profile(),
          password: SECRET,
          passphrase: PASSPHRASE
        }
      ],
      selectedProfileId: 'lab-1'
    }

    it('drops passwords embedded in a version-0 object and sets the version', () => {
      const migrated = migrate(v0) as { version: number; profiles: Record<string, unknown>[] }
      expect(migrated.version).toBe(1)
      expect(migrated.profiles[0]).not.toHaveProperty('password')
      expect(migrated.profiles[0]).not.toHaveProperty('passphrase')
      expect(migrated.profiles[0].host).toBe('broker.local')
      expect(v0.profiles[0].password).toBe(SECRET) // the input is not mutated
    })

    it('rewrites a version-0 settings file without the embedded secrets', () => {
      fs.writeFileSync(settingsFile, JSON.stringify(v0))
      const service = open()
      expect(notices).toEqual([])
      expect(service.current.profiles.map((p) => p.id)).toEqual(['lab-1'])
      expect(read(settingsFile)).not.toContain(SECRET)
      expect(read(settingsFile)).not.toContain(PASSPHRASE)
      expect(service.view().profiles[0].hasPassword).toBe(false)
    })

    it('leaves a current-version object unchanged', () => {
      const current = { ...defaults, profiles: [profile()] }
      expect(migrate(current)).toEqual(current)
    })
  })
})

describe('FileSecretStore', () => {
  it('names the override variable from the profile id', () => {
    expect(secretEnvName('lab-1', 'password')).toBe('MQTT_MONITOR_PASSWORD_LAB_1')
    expect(secretEnvName('my.broker', 'passphrase')).toBe('MQTT_MONITOR_PASSPHRASE_MY_BROKER')
  })

  it('prefers an environment variable and never writes it to disk', () => {
    const env = { [secretEnvName('lab-1', 'password')]: 'from-env-Q7' }
    const service = open(env)
    service.saveProfile({ profile: profile(), password: { action: 'set', value: SECRET } })
    expect(service.secrets.get('lab-1', 'password')).toBe('from-env-Q7')
    expect(service.view().profiles[0].hasPassword).toBe(true)
    expect(read(secretsFile)).not.toContain('from-env-Q7')
    expect(read(settingsFile)).not.toContain('from-env-Q7')
    // Without the variable, the stored value is used.
    expect(new FileSecretStore(secretsFile, {}).get('lab-1', 'password')).toBe(SECRET)
  })

  it('starts empty when secrets.json is corrupt', () => {
    fs.writeFileSync(secretsFile, '{oops')
    const store = new FileSecretStore(secretsFile, {})
    expect(store.get('lab-1', 'password')).toBeUndefined()
    store.set('lab-1', 'password', SECRET)
    expect(new FileSecretStore(secretsFile, {}).get('lab-1', 'password')).toBe(SECRET)
  })
})

describe('session-only secrets (no way to encrypt them)', () => {
  const session = (env: NodeJS.ProcessEnv = {}): SettingsService =>
    new SettingsService(new JsonFileBackend(settingsFile), new MemorySecretStore(env), (n) =>
      notices.push(n)
    )

  it('refuses to keep a secret without the user saying so, and saves nothing', () => {
    const service = session()
    expect(() =>
      service.saveProfile({ profile: profile(), password: { action: 'set', value: SECRET } })
    ).toThrow(/cannot encrypt the password.*only if you agree. Nothing was saved/)
    expect(service.current.profiles).toEqual([])
    expect(fs.existsSync(settingsFile)).toBe(false)
    // A passphrase alone is asked about too, even when the password is fine.
    expect(() =>
      service.saveProfile({
        profile: profile(),
        password: { action: 'set', value: SECRET, sessionOnly: true },
        passphrase: { action: 'set', value: PASSPHRASE }
      })
    ).toThrow(/cannot encrypt the passphrase/)
    expect(service.secrets.get('lab-1', 'password')).toBeUndefined()
  })

  it('keeps it in memory only when agreed: nothing on disk, gone in the next run', () => {
    const service = session()
    const view = service.saveProfile({
      profile: profile(),
      password: { action: 'set', value: SECRET, sessionOnly: true }
    })
    expect(view.profiles[0].hasPassword).toBe(true)
    expect(service.secrets.get('lab-1', 'password')).toBe(SECRET)
    expect(fs.readdirSync(dir)).toEqual(['settings.json'])
    expect(read(settingsFile)).not.toContain(SECRET)
    expect(session().view().profiles[0].hasPassword).toBe(false)
  })

  it('still takes environment variables, which need no consent and are never stored', () => {
    const service = session({ [secretEnvName('lab-1', 'password')]: 'env-Pw-1' })
    const view = service.saveProfile({ profile: profile() })
    expect(view.profiles[0].hasPassword).toBe(true)
    expect(service.secrets.get('lab-1', 'password')).toBe('env-Pw-1')
  })

  it('does not ask where secrets can be kept (the file store)', () => {
    expect((new FileSecretStore(secretsFile, {}) as SecretStore).sessionOnly).toBeUndefined()
    expect(() =>
      open().saveProfile({ profile: profile(), password: { action: 'set', value: SECRET } })
    ).not.toThrow()
  })
})

describe('UI settings', () => {
  it('saving one choice keeps the others (theme, layout, drop notifications, updates)', () => {
    const service = open()
    service.saveUi({ layout: { charts: ['temperature'] } })
    service.saveUi({ theme: 'dark', layout: undefined })
    service.saveUi({ notifyOnDrop: true })
    service.saveUi({ checkForUpdates: true })
    expect(open().current.ui).toEqual({
      theme: 'dark',
      notifyOnDrop: true,
      checkForUpdates: true,
      layout: { charts: ['temperature'] }
    })
  })

  it('defaults to following the system theme, without notifications or update checks', () => {
    expect(open().current.ui).toEqual({
      theme: 'system',
      notifyOnDrop: false,
      checkForUpdates: false
    })
  })
})
