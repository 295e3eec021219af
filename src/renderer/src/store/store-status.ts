// The database store's state and lag in words, for its status line.
import type { StoreStatus } from '../../../shared/store-types'

function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}

function seconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`
  if (s < 3600) return `${(s / 60).toFixed(1)} min`
  return `${(s / 3600).toFixed(1)} h`
}

/** "1,234 messages (5.2 s of data)" not yet in the database. */
export function lagText(status: StoreStatus): string {
  return `${count(status.lagRows, 'message')} (${seconds(status.lagSeconds)} of data)`
}

function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false })
}

export function statusText(status: StoreStatus, hasUrl: boolean): string {
  switch (status.state) {
    case 'off':
      return hasUrl
        ? 'Not writing: turn on "Write captures to the database" to store them.'
        : 'Off: no database is set up.'
    case 'connecting':
      return 'Connecting to the database…'
    case 'writing':
      return `Writing: ${lagText(status)} not yet in the database.`
    case 'caught-up':
      return `Up to date: ${count(status.storedRows, 'reading')} stored since the app started.`
    case 'retrying': {
      const next = status.nextRetryAt ? ` Next try at ${clock(status.nextRetryAt)}.` : ''
      return `Cannot write: ${status.message ?? 'the database cannot be reached.'}${next} Capture goes on; ${lagText(status)} wait in the journal.`
    }
    case 'error':
      return `Not writing: ${status.message ?? 'the settings cannot be used.'}`
  }
}

/** Extra line when the database refused readings. */
export function deadLetterText(status: StoreStatus): string | null {
  if (status.deadLetters === 0) return null
  return `The database refused ${count(status.deadLetters, 'reading')} since the app started; each is kept with the reason in its dead_letters table.`
}

/** Whether the status line is a problem (shown as a warning). */
export function isProblem(status: StoreStatus): boolean {
  return status.state === 'retrying' || status.state === 'error'
}
