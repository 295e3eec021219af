import { AppError } from '../../../shared/contract'
import { REQUEST_LIMITS, shapeProblem } from '../../../shared/json-shape'
import {
  LAYOUT_LIMITS,
  SETTINGS_VERSION,
  profileInputSchema,
  settingsSchema,
  type Profile,
  type ProfileInput,
  type SecretInput,
  type SecretKind,
  type Settings,
  type StoreSettings
} from '../../../shared/schemas'
import type { Notice, SettingsView } from '../../../shared/types'
import type { SettingsBackend } from './settings-backend'
import type { SecretStore } from './secret-store'

/** Where the database store's password is kept among the secrets (no profile may use it). */
export const STORE_SECRET_ID = '$store'

/** Upgrades stored settings of older versions to the current shape, step by step. */
export function migrate(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw
  const data = { ...(raw as Record<string, unknown>) }
  const version = typeof data.version === 'number' ? data.version : 0
  if (version < 1) {
    // v0 (pre-release) kept passwords in profiles: they are dropped here, never carried over.
    if (Array.isArray(data.profiles)) {
      data.profiles = data.profiles.map((p: Record<string, unknown>) => {
        const { password: _password, passphrase: _passphrase, ...rest } = p ?? {}
        return rest
      })
    }
    data.version = SETTINGS_VERSION
  }
  return data
}

/**
 * The settings logic, independent of where they are stored: validation, defaults,
 * migrations, recovery from a damaged file, and write-only secrets.
 */
export class SettingsService {
  private settings: Settings

  constructor(
    private readonly backend: SettingsBackend,
    readonly secrets: SecretStore,
    notice: (notice: Notice) => void
  ) {
    this.settings = this.load(notice)
  }

  get current(): Settings {
    return this.settings
  }

  profile(id: string): Profile {
    const profile = this.settings.profiles.find((p) => p.id === id)
    if (!profile) throw new AppError('not-found', `There is no connection profile "${id}".`)
    return profile
  }

  view(): SettingsView {
    return {
      ...this.settings,
      profiles: this.settings.profiles.map((p) => ({
        ...p,
        hasPassword: this.secrets.get(p.id, 'password') !== undefined,
        hasPassphrase: this.secrets.get(p.id, 'passphrase') !== undefined
      }))
    }
  }

  saveProfile(input: ProfileInput): SettingsView {
    const { profile, password, passphrase } = profileInputSchema.parse(input)
    if (profile.id === STORE_SECRET_ID)
      throw new AppError(
        'bad-request',
        `"${STORE_SECRET_ID}" is reserved: choose another profile id.`
      )
    this.checkConsent('password', password)
    this.checkConsent('passphrase', passphrase)
    this.applySecret(profile.id, 'password', password)
    this.applySecret(profile.id, 'passphrase', passphrase)
    const profiles = this.settings.profiles.filter((p) => p.id !== profile.id)
    const at = this.settings.profiles.findIndex((p) => p.id === profile.id)
    profiles.splice(at < 0 ? profiles.length : at, 0, profile)
    this.update({ ...this.settings, profiles, selectedProfileId: profile.id })
    return this.view()
  }

  /** Adds or refreshes a profile the app owns (the demo), keeping the user's choices. */
  upsertOwned(profile: Profile): void {
    const existing = this.settings.profiles.find((p) => p.id === profile.id)
    const merged = existing ? { ...existing, host: profile.host, port: profile.port } : profile
    const profiles = existing
      ? this.settings.profiles.map((p) => (p.id === profile.id ? merged : p))
      : [...this.settings.profiles, profile]
    this.update({
      ...this.settings,
      profiles,
      selectedProfileId: this.settings.selectedProfileId || profile.id
    })
  }

  deleteProfile(id: string): SettingsView {
    this.secrets.delete(id)
    const profiles = this.settings.profiles.filter((p) => p.id !== id)
    const selectedProfileId =
      this.settings.selectedProfileId === id
        ? (profiles[0]?.id ?? '')
        : this.settings.selectedProfileId
    this.update({
      ...this.settings,
      profiles,
      selectedProfileId,
      autoConnect: this.settings.autoConnect.filter((p) => p !== id)
    })
    return this.view()
  }

  selectProfile(id: string): SettingsView {
    this.profile(id)
    this.update({ ...this.settings, selectedProfileId: id })
    return this.view()
  }

  saveUi(ui: Partial<Settings['ui']>): SettingsView {
    // A key left out (or undefined) keeps its stored value: saving the theme keeps the layout.
    const given = Object.fromEntries(Object.entries(ui).filter(([, v]) => v !== undefined))
    this.update({ ...this.settings, ui: { ...this.settings.ui, ...given } })
    return this.view()
  }

  saveCapture(capture: Partial<Settings['capture']>): SettingsView {
    this.update({ ...this.settings, capture: { ...this.settings.capture, ...capture } })
    return this.view()
  }

  saveExplorer(explorer: Partial<Settings['explorer']>): SettingsView {
    const given = Object.fromEntries(Object.entries(explorer).filter(([, v]) => v !== undefined))
    this.update({ ...this.settings, explorer: { ...this.settings.explorer, ...given } })
    return this.view()
  }

  /** The database store's settings and its password (write-only, like a profile's). */
  saveStore(store: StoreSettings, password: SecretInput): SettingsView {
    this.checkConsent('password', password)
    this.applySecret(STORE_SECRET_ID, 'password', password)
    this.update({ ...this.settings, store })
    return this.view()
  }

  setAutoConnect(ids: string[]): void {
    this.update({ ...this.settings, autoConnect: ids })
  }

  /** Where secrets cannot outlive this run, keeping one needs the user's explicit yes. */
  private checkConsent(kind: SecretKind, input: SecretInput): void {
    if (input.action !== 'set' || !this.secrets.sessionOnly || input.sessionOnly) return
    throw new AppError(
      'needs-consent',
      `This computer cannot encrypt the ${kind}, so it can only be kept until the app quits, and only if you agree. Nothing was saved.`
    )
  }

  private applySecret(profileId: string, kind: SecretKind, input: SecretInput): void {
    if (input.action === 'set') this.secrets.set(profileId, kind, input.value)
    else if (input.action === 'clear') this.secrets.delete(profileId, kind)
  }

  private update(next: Settings): void {
    const valid = settingsSchema.parse(next)
    this.backend.write(valid)
    this.settings = valid
  }

  private load(notice: (notice: Notice) => void): Settings {
    let raw: unknown
    try {
      raw = this.backend.read()
    } catch (error) {
      return this.recover(notice, (error as Error).message)
    }
    if (raw === undefined) return settingsSchema.parse({})
    const cleaned = this.dropBadLayout(raw, notice)
    const whole = shapeProblem(cleaned, REQUEST_LIMITS)
    if (whole) return this.recover(notice, `it has ${whole}`)
    const parsed = settingsSchema.safeParse(migrate(cleaned))
    if (!parsed.success) return this.recover(notice, parsed.error.issues[0]?.message ?? 'invalid')
    const stale = (raw as { version?: unknown }).version !== SETTINGS_VERSION
    if (stale || cleaned !== raw) this.backend.write(parsed.data)
    return parsed.data
  }

  /**
   * A layout saved before layouts were bounded may be nested thousands deep: it is dropped
   * alone, keeping the profiles and everything else.
   */
  private dropBadLayout(raw: unknown, notice: (notice: Notice) => void): unknown {
    const ui = (raw as { ui?: { layout?: unknown } } | null)?.ui
    if (!ui || typeof ui !== 'object' || ui.layout === undefined) return raw
    const problem = shapeProblem(ui.layout, LAYOUT_LIMITS)
    if (!problem) return raw
    notice({
      level: 'warning',
      message: `The saved chart layout could not be used (it has ${problem}), so the charts start from the default layout.`
    })
    const { layout: _dropped, ...rest } = ui
    return { ...(raw as object), ui: rest }
  }

  private recover(notice: (notice: Notice) => void, reason: string): Settings {
    let where: string
    try {
      where = ` It was kept as ${this.backend.quarantine()}.`
    } catch {
      where = ''
    }
    notice({
      level: 'warning',
      message: `The settings file was damaged (${reason}), so the app started with default settings.${where}`
    })
    const defaults = settingsSchema.parse({})
    try {
      this.backend.write(defaults)
    } catch {
      // A read-only settings folder: keep running on defaults in memory.
    }
    return defaults
  }
}
