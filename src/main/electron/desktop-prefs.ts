import { nativeTheme } from 'electron'
import type { InvokeChannel } from '../../shared/contract'
import type { SettingsView } from '../../shared/types'

type Ui = SettingsView['ui']

/** Channels whose answer is the whole settings view, so the shell can follow UI choices. */
const SETTINGS_ANSWERS: ReadonlySet<InvokeChannel> = new Set<InvokeChannel>([
  'settings:get',
  'settings:save-profile',
  'settings:delete-profile',
  'settings:select-profile',
  'settings:save-ui'
])

/**
 * The desktop side of the UI settings: the native theme, whether to notify on drops, and
 * whether to check for updates (passed on to `onChange`).
 */
export class DesktopPrefs {
  private ui: Ui

  constructor(
    initial: Ui,
    private readonly onChange: (ui: Ui) => void = () => undefined
  ) {
    this.ui = initial
    this.apply()
  }

  get notifyOnDrop(): boolean {
    return this.ui.notifyOnDrop
  }

  /** Fed every IPC answer; picks up the settings from those that carry them. */
  observe(channel: InvokeChannel, value: unknown): void {
    if (!SETTINGS_ANSWERS.has(channel)) return
    const ui = (value as SettingsView | undefined)?.ui
    if (!ui) return
    this.ui = ui
    this.apply()
  }

  private apply(): void {
    // 'system' follows the OS; the renderer's prefers-color-scheme follows themeSource.
    nativeTheme.themeSource = this.ui.theme
    this.onChange(this.ui)
  }
}
