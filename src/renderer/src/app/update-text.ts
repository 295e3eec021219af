import type { UpdateStatus } from '../../../shared/types'

/** One line for the update check's state, in the settings. */
export function updateText(status: UpdateStatus): string {
  switch (status.state) {
    case 'off':
      return ''
    case 'unsupported':
    case 'error':
      return status.message ?? ''
    case 'checking':
      return 'Checking for updates…'
    case 'current':
      return 'This is the newest version.'
    case 'downloading':
      return `Version ${status.version} is available: downloading (${status.percent ?? 0} %)…`
    case 'ready':
      return `Version ${status.version} is ready: it installs when the app restarts.`
  }
}
