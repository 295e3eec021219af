// Menu commands (and their shortcuts) from the desktop shell, re-broadcast in the page as a
// DOM event so any component can act on its own: charts on 'pause', export on 'export'.
import type { AppCommand, AppCommandName } from '../../../shared/types'

export const APP_COMMAND_EVENT = 'app-command'

export function broadcastCommand(target: EventTarget, command: AppCommandName): void {
  target.dispatchEvent(new CustomEvent<AppCommand>(APP_COMMAND_EVENT, { detail: { command } }))
}

/** Calls `listener` whenever `command` is broadcast on `target`; returns the unsubscribe. */
export function onAppCommand(
  target: EventTarget,
  command: AppCommandName,
  listener: () => void
): () => void {
  const handler = (event: Event): void => {
    if ((event as CustomEvent<AppCommand>).detail?.command === command) listener()
  }
  target.addEventListener(APP_COMMAND_EVENT, handler)
  return () => target.removeEventListener(APP_COMMAND_EVENT, handler)
}

/** Moves focus to the first usable field of a panel (the 'settings' command). */
export function focusFirstField(panel: HTMLElement | null): boolean {
  const field = panel?.querySelector<HTMLElement>(
    'select:not([disabled]), input:not([disabled]), textarea:not([disabled]), button:not([disabled])'
  )
  if (!field) return false
  field.scrollIntoView?.({ block: 'nearest' })
  field.focus()
  return true
}
