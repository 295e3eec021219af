import { describe, expect, it } from 'vitest'
import { topicSchema } from '../../../../shared/schemas'
import {
  buildProfileInput,
  fieldsFromProfile,
  newProfile,
  parseTopics,
  passwordAction,
  topicsToText
} from '../profile-form-model'

describe('topics text', () => {
  it('parses one filter per line with an optional QoS', () => {
    const r = parseTopics('sensors/# 1\n\n  home/+/temp  \nraw 2', [])
    expect(r.ok && r.value.map((t) => [t.filter, t.qos])).toEqual([
      ['sensors/#', 1],
      ['home/+/temp', 0],
      ['raw', 2]
    ])
  })

  it('keeps decoder settings of existing topics and round-trips', () => {
    const existing = [
      topicSchema.parse({ filter: 'a/b', qos: 1, decoder: { format: 'csv', csvColumns: ['x'] } })
    ]
    const r = parseTopics('a/b 2', existing)
    expect(r.ok && r.value[0].decoder.csvColumns).toEqual(['x'])
    expect(r.ok && r.value[0].qos).toBe(2)
    expect(topicsToText(r.ok ? r.value : [])).toBe('a/b 2')
  })

  it('explains bad filters in plain words', () => {
    expect(parseTopics('a/#/b', [])).toEqual({
      ok: false,
      error: 'Topics, line 1: "#" must be a whole level and the last one (a/#/b).'
    })
    expect(parseTopics('x\na+/b', [])).toMatchObject({ ok: false, error: /line 2: "\+"/ })
    expect(parseTopics('x\nx 1', [])).toMatchObject({ ok: false, error: /listed twice/ })
  })
})

describe('buildProfileInput', () => {
  const base = { ...newProfile(), hasPassword: true }
  const fields = {
    ...fieldsFromProfile(base),
    host: 'broker.local',
    port: '8883',
    transport: 'mqtts' as const
  }

  it('builds a valid request and keeps the password when the field is empty', () => {
    const r = buildProfileInput(
      base,
      { ...fields, topicsText: 'sensors/# 1' },
      { value: '', clear: false }
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.password).toEqual({ action: 'keep' })
    expect(r.value.profile).toMatchObject({ host: 'broker.local', port: 8883, transport: 'mqtts' })
    expect(r.value.profile.topics?.[0]).toMatchObject({ filter: 'sensors/#', qos: 1 })
    expect('hasPassword' in r.value.profile).toBe(false)
  })

  it('maps the password field to write-only actions', () => {
    expect(passwordAction({ value: 's3cret', clear: false })).toEqual({
      action: 'set',
      value: 's3cret'
    })
    expect(passwordAction({ value: 'ignored', clear: true })).toEqual({ action: 'clear' })
    expect(passwordAction({ value: '', clear: false })).toEqual({ action: 'keep' })
  })

  it('rejects bad input with the field name', () => {
    const pw = { value: '', clear: false }
    expect(buildProfileInput(base, { ...fields, port: '70000' }, pw)).toMatchObject({
      error: /^Port/
    })
    expect(buildProfileInput(base, { ...fields, host: ' ' }, pw)).toMatchObject({ error: /^Host/ })
    expect(buildProfileInput(base, { ...fields, host: 'mqtt://x' }, pw)).toMatchObject({
      error: /^Host: enter only the host name/
    })
    expect(buildProfileInput(base, { ...fields, name: '' }, pw)).toMatchObject({ error: /^Name/ })
    expect(buildProfileInput(base, { ...fields, clientId: '' }, pw)).toMatchObject({
      error: /^Client ID/
    })
  })
})
