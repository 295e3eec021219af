// What one Sparkplug message could not chart, counted while it is read, and the one warning
// the user gets for it.
import { fmtCount, MAX_FIELD_NAME_BYTES, MAX_FIELDS_PER_MESSAGE } from '../../limits'
import { REBIRTH_INTERVAL_MS } from './sparkplug-state'

export interface Problems {
  /** Aliases no birth certificate defined (null: none). */
  unknown: number[] | null
  longNames: number
  unnamed: number
  notCharted: number
}

export function noProblems(): Problems {
  return { unknown: null, longNames: 0, unnamed: 0, notCharted: 0 }
}

/**
 * The message's warning, the most useful first. `unknownAliases` tells the connection's state
 * of the unknown aliases (it may ask the edge node for a rebirth) and says what it did.
 */
export function problemWarning(
  problems: Problems,
  series: string,
  unknownAliases: (aliases: readonly number[]) => 'asked' | 'recently' | 'not-allowed'
): string | undefined {
  const unknown = problems.unknown
  if (unknown) {
    const rebirth = unknownAliases(unknown)
    const shown = unknown.slice(0, 5).join(', ') + (unknown.length > 5 ? '…' : '')
    const what = `${unknown.length} metric${unknown.length === 1 ? '' : 's'} with alias ${shown} that no birth certificate seen since connecting defines`
    if (rebirth === 'asked') return `${what}: asked the edge node for a rebirth`
    if (rebirth === 'recently')
      return `${what}: not charted until the edge node is born again (a rebirth was asked for within the last ${REBIRTH_INTERVAL_MS / 1000} s)`
    return `${what}: not charted until the edge node is born again (allow publishing on this connection to ask it for a rebirth)`
  }
  if (problems.longNames)
    return `${problems.longNames} metric(s) not charted: names longer than ${MAX_FIELD_NAME_BYTES} bytes`
  if (problems.notCharted)
    return `${problems.notCharted} metric(s) not charted: more than ${fmtCount(MAX_FIELDS_PER_MESSAGE)} numeric metrics on ${series}`
  if (problems.unnamed) return `${problems.unnamed} metric(s) with neither a name nor an alias`
  return undefined
}
