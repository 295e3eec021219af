// Payloads built to hurt: each is refused with a reason in plain words, never thrown, and
// never costs memory in proportion to what the payload claims.
import { describe, expect, it } from 'vitest'
import { tempStores } from '../../../../../test-support/temp-store'
import { newProfile } from '../../../../shared/defaults'
import { decoderSchema, type Profile } from '../../../../shared/schemas'
import { MAX_SET_FIELDS, MAX_STR_BYTES } from '../../capture/journal-format'
import { createDecoder } from '..'
import { Ingest } from '../../ingest'
import {
  limitsFitJournal,
  MAX_FIELD_SETS_PER_TOPIC,
  MAX_FIELDS_PER_MESSAGE,
  MAX_FIELDS_PER_TOPIC
} from '../../limits'
import { nestingDepthOver } from '../nesting'

const enc = new TextEncoder()
const NOW = 1_700_000_000_000
const store = tempStores('hostile-')

/** A profile whose one filter (`#`) decodes with `format`. */
function newProfileFor(format: 'csv' | 'json' | 'auto'): Profile {
  return newProfile('hostile', {
    name: 'hostile',
    topics: [{ filter: '#', qos: 0, decoder: decoderSchema.parse({ format }) }]
  })
}

function errorOf(format: 'json' | 'csv' | 'auto', payload: Uint8Array): string {
  const outcome = createDecoder(decoderSchema.parse({ format })).decode(payload, NOW)
  expect(outcome.ok).toBe(false)
  return outcome.ok ? '' : outcome.error
}

describe('JSON nested too deep', () => {
  it('refuses 100,000 nested arrays with a reason instead of overflowing the stack', () => {
    const deep = enc.encode('['.repeat(100_000) + ']'.repeat(100_000))
    expect(errorOf('json', deep)).toBe('JSON nested deeper than 64 levels')
    expect(errorOf('auto', deep)).toBe('JSON nested deeper than 64 levels')
  })

  it('describes a non-object item by its kind, never by its contents', () => {
    // An array item that is itself deep (under the limit) and huge: the message stays short.
    const item = '['.repeat(60) + '1' + ']'.repeat(60)
    const outcome = createDecoder(decoderSchema.parse({ format: 'json' })).decode(
      enc.encode(`[${item},{"a":1}]`),
      NOW
    )
    expect(outcome.ok).toBe(true)
    if (outcome.ok) expect(outcome.warning).toBe('JSON item is an array, not an object or a number')
  })

  it('counts brackets inside strings as text', () => {
    expect(nestingDepthOver(enc.encode(`{"a":"${'['.repeat(1000)}"}`), 64)).toBe(false)
    expect(nestingDepthOver(enc.encode(`{"a":"\\"${'['.repeat(1000)}"}`), 64)).toBe(false)
    expect(nestingDepthOver(enc.encode('['.repeat(65)), 64)).toBe(true)
    expect(nestingDepthOver(enc.encode('['.repeat(64)), 64)).toBe(false)
  })
})

describe('too many fields in one message', () => {
  it('refuses a CSV payload of more than 65,535 columns without building them', () => {
    const wide = enc.encode(Array.from({ length: 70_000 }, (_, i) => i % 10).join(','))
    expect(errorOf('csv', wide)).toContain('more than 1,000 columns')
    expect(errorOf('auto', wide)).toContain('more than 1,000 columns')
  })

  it('accepts exactly the limit', () => {
    const edge = enc.encode(Array.from({ length: MAX_FIELDS_PER_MESSAGE }, () => '1').join(','))
    const outcome = createDecoder(decoderSchema.parse({ format: 'csv' })).decode(edge, NOW)
    expect(outcome.ok && outcome.rows[0].values.length).toBe(MAX_FIELDS_PER_MESSAGE)
  })

  it('refuses a JSON object with more numeric fields than the limit', () => {
    const obj = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, i]))
    expect(errorOf('json', enc.encode(JSON.stringify(obj)))).toContain(
      'more than 1,000 numeric fields'
    )
  })

  it('skips field names longer than the limit and says so', () => {
    const long = 'x'.repeat(300)
    const outcome = createDecoder(decoderSchema.parse({ format: 'json' })).decode(
      enc.encode(JSON.stringify({ [long]: 1, ok: 2 })),
      NOW
    )
    expect(outcome.ok).toBe(true)
    if (!outcome.ok) return
    expect(outcome.rows[0].fields).toEqual(['ok'])
    expect(outcome.warning).toBe('1 field(s) skipped: names longer than 256 bytes')
  })

  it('keeps every limit within what the journal layout can hold', () => {
    expect(limitsFitJournal()).toBe(true)
    expect(MAX_FIELDS_PER_TOPIC).toBeLessThanOrEqual(MAX_SET_FIELDS)
    expect(MAX_STR_BYTES).toBe(65535)
  })
})

describe('a topic that keeps growing its fields', () => {
  it('costs little memory: 60,000 columns in one message are refused, not made into series', async () => {
    const s = await store()
    const ingest = new Ingest(newProfileFor('csv'), s)
    const before = process.memoryUsage().heapUsed
    const wide = enc.encode(Array.from({ length: 60_000 }, (_, i) => (i % 97) / 10).join(','))
    for (const topic of ['a', 'b', 'c']) ingest.handle(`wide/${topic}`, wide)
    const grown = process.memoryUsage().heapUsed - before
    expect(s.registry.allDefs()).toHaveLength(0)
    expect(grown).toBeLessThan(50 * 1024 * 1024)
    const stat = s.registry.topicStats().find((t) => t.topic === 'wide/a')!
    expect(stat.errors).toBe(1)
    expect(stat.lastError).toContain('more than 1,000 columns')
  })

  it('stops adding series at the per-topic limit and counts the refused messages', async () => {
    const s = await store()
    const ingest = new Ingest(newProfileFor('json'), s)
    for (let i = 0; i < 30; i++) {
      const obj = Object.fromEntries(Array.from({ length: 100 }, (_, j) => [`m${i}_${j}`, j]))
      ingest.handle('growing', enc.encode(JSON.stringify(obj)))
    }
    expect(s.registry.allDefs()).toHaveLength(MAX_FIELDS_PER_TOPIC)
    const stat = s.registry.topicStats()[0]
    expect(stat.messages).toBe(30)
    expect(stat.errors).toBe(20)
    expect(stat.lastError).toBe(
      'more than 1,000 different fields on one topic, the limit per topic'
    )
  })

  it('limits the combinations of fields one topic may produce', async () => {
    const s = await store()
    const ingest = new Ingest(newProfileFor('json'), s)
    // 9 optional keys: 511 non-empty combinations, over the limit.
    for (let mask = 1; mask < 512; mask++) {
      const obj: Record<string, number> = {}
      for (let k = 0; k < 9; k++) if (mask & (1 << k)) obj[`k${k}`] = k
      ingest.handle('optional', enc.encode(JSON.stringify(obj)))
    }
    const stat = s.registry.topicStats()[0]
    expect(stat.errors).toBe(511 - MAX_FIELD_SETS_PER_TOPIC)
    expect(stat.lastError).toContain('more than 256 combinations')
  })
})
