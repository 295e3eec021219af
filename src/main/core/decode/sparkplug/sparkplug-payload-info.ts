// What the Sparkplug decoder reads from a payload besides charted values: the bdSeq that
// ties a death to its birth, a metric's unit, a host application's STATE, and why a payload
// did not decode, in words.
import { MAX_NESTING } from '../../limits'
import { longToNumber } from '../protobuf-long'
import { fmtBytes, preview } from '../types'
import { has, type SpMetric, type SpPayload } from './sparkplug-payload'

/** The NBIRTH/NDEATH metric that ties a death to its birth; bookkeeping, not charted. */
export const BD_SEQ = 'bdSeq'
/** Property names a birth certificate may give a metric's unit under. */
const UNIT_PROPERTIES = ['engUnit', 'engUnits', 'EngUnit', 'unit', 'units']

export function bdSeqOf(p: SpPayload): number | undefined {
  for (const m of p.metrics) {
    if (m.name !== BD_SEQ) continue
    if (has(m, 'long_value')) return longToNumber(m.long_value, false)
    if (has(m, 'int_value')) return m.int_value
  }
  return undefined
}

export function unitOf(m: SpMetric): string {
  const props = m.properties
  if (!props) return ''
  for (let i = 0; i < props.keys.length; i++) {
    if (!UNIT_PROPERTIES.includes(props.keys[i])) continue
    const v = props.values[i]
    if (v && has(v, 'string_value')) return v.string_value!.slice(0, 50)
  }
  return ''
}

/** A STATE payload: JSON `{"online": true, "timestamp": …}` (3.0) or ONLINE/OFFLINE; else why not. */
export function parseHostState(
  payload: Uint8Array
): { online: boolean; timestamp: number | undefined } | string {
  let online: boolean | undefined
  let timestamp: number | undefined
  const text = new TextDecoder().decode(payload.subarray(0, 4096)).trim()
  if (text === 'ONLINE' || text === 'OFFLINE') online = text === 'ONLINE'
  else if (payload.byteLength <= 4096) {
    try {
      const parsed = JSON.parse(text) as { online?: unknown; timestamp?: unknown }
      if (typeof parsed?.online === 'boolean') online = parsed.online
      if (typeof parsed?.timestamp === 'number') timestamp = parsed.timestamp
    } catch {
      // not JSON: said below
    }
  }
  if (online === undefined)
    return `Sparkplug STATE payload is not {"online": true|false, "timestamp": …}: "${preview(payload)}"`
  return { online, timestamp }
}

export function describeFailure(error: unknown, bytes: number): string {
  const message = String((error as Error)?.message ?? error)
    .split('\n')[0]
    .slice(0, 160)
  if (/index out of range/.test(message))
    return `truncated Sparkplug B payload: a field runs past the end of the payload (${fmtBytes(bytes)})`
  if (/max depth exceeded/.test(message))
    return `Sparkplug B payload nested deeper than ${MAX_NESTING} levels`
  return `not a Sparkplug B payload (${message})`
}
