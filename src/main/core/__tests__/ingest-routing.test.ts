// How a topic finds its decoding rule: subscription matching, and the decoder a topic keeps
// on its registry entry until the profile's rules change.
import { describe, expect, it } from 'vitest'
import { newProfile } from '../../../shared/defaults'
import { decoderSchema, type Profile } from '../../../shared/schemas'
import { tempStores } from '../../../../test-support/temp-store'
import { Ingest, topicMatches } from '../ingest'

const enc = new TextEncoder()
const store = tempStores('routing-')

function profileWith(topics: Profile['topics']): Profile {
  return newProfile('routing', { name: 'routing', topics })
}

describe('topicMatches', () => {
  it.each([
    ['#', 'plant/line1', true],
    ['#', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['plant/#', 'plant', true],
    ['plant/#', 'plant/line1/dev7', true],
    ['plant/#', 'plantx/line1', false],
    ['plant/#', 'other/plant/x', false],
    ['plant/+/dev7/#', 'plant/line1/dev7/temp', true],
    ['plant/+/dev7/#', 'plant/line1/dev8/temp', false],
    ['+/line1', 'plant/line1', true],
    ['+/line1', '$SYS/line1', false],
    ['plant/line1', 'plant/line1', true],
    ['plant/line1', 'plant/line1/x', false]
  ])('%s against %s is %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected)
  })
})

describe('a topic keeps its decoder until the rules change', () => {
  it('decodes with the first matching rule, and with the new rule once the profile is saved', async () => {
    const s = await store()
    const number = decoderSchema.parse({ format: 'number', units: { value: 'hPa' } })
    const ingest = new Ingest(profileWith([{ filter: 'plant/#', qos: 0, decoder: number }]), s)
    expect(ingest.handle('plant/baro', enc.encode('1013.2'))).toEqual(['value'])
    expect(ingest.handle('plant/baro', enc.encode('1013.4'))).toEqual(['value'])
    const entry = s.findTopic('routing', 'plant/baro')!
    expect(entry.messages).toBe(2)
    expect(s.registry.allDefs().map((d) => [d.field, d.unit])).toEqual([['value', 'hPa']])

    // The same topic under a JSON rule: the kept number decoder must not be used again.
    const json = decoderSchema.parse({ format: 'json' })
    ingest.useProfile(profileWith([{ filter: 'plant/#', qos: 0, decoder: json }]))
    expect(ingest.handle('plant/baro', enc.encode('{"p": 1013.5}'))).toEqual(['p'])
    expect(ingest.handle('plant/baro', enc.encode('not json'))).toBeUndefined()
    expect(entry.messages).toBe(4)
    expect(entry.errors).toBe(1)
  })

  it('settles an auto-detected topic on the format it told apart', async () => {
    const s = await store()
    const ingest = new Ingest(profileWith([]), s)
    expect(ingest.handle('dev/1/temp', enc.encode('21.5'))).toEqual(['value'])
    const entry = s.findTopic('routing', 'dev/1/temp')!
    expect((entry.route as { format: string }).format).toBe('number')
    expect(ingest.handle('dev/1/temp', enc.encode('21.7'))).toEqual(['value'])
    expect(entry.messages).toBe(2)
    expect(entry.errors).toBe(0)
  })
})

describe('a topic found by its tree node', () => {
  it('counts on the same entry as by name, and on the new entry once entries are made anew', async () => {
    const s = await store()
    const ingest = new Ingest(profileWith([]), s)
    ingest.handle('dev/7/temp', enc.encode('21.5'), 12)
    ingest.handle('dev/7/temp', enc.encode('21.6'), 12)
    ingest.handle('dev/7/temp', enc.encode('21.7'))
    const before = s.findTopic('routing', 'dev/7/temp')!
    expect(before.messages).toBe(3)

    // A capture decoded again makes every entry anew: the node must not lead to the old one.
    await s.reloadHistory()
    ingest.handle('dev/7/temp', enc.encode('21.8'), 12)
    const after = s.findTopic('routing', 'dev/7/temp')!
    expect(after).not.toBe(before)
    expect(after.messages).toBe(1)
    expect(before.messages).toBe(3)
  })

  it('takes the new profile name after a save, not the entry kept under the old one', async () => {
    const s = await store()
    const ingest = new Ingest(profileWith([]), s)
    ingest.handle('dev/8/temp', enc.encode('1'), 3)
    ingest.useProfile(newProfile('routing', { name: 'renamed', topics: [] }))
    ingest.handle('dev/8/temp', enc.encode('2'), 3)
    expect(s.findTopic('routing', 'dev/8/temp')!.messages).toBe(1)
    expect(s.findTopic('renamed', 'dev/8/temp')!.messages).toBe(1)
  })
})
