import { describe, expect, it } from 'vitest'
import { profileSchema } from '../../../../shared/schemas'
import { buildProfileInput, fieldsFromProfile, newProfile } from '../profile-form-model'
import {
  DEFAULT_SESSION_EXPIRY_S,
  generateClientId,
  onCleanChange,
  usesTls
} from '../profile-form-sections'

const base = { ...newProfile(), hasPassphrase: true }
const fields = fieldsFromProfile(base)
const none = { value: '', clear: false }

describe('TLS, session and last will fields', () => {
  it('round-trips every field of a TLS profile, with the passphrase write-only', () => {
    const r = buildProfileInput(
      base,
      {
        ...fields,
        transport: 'mqtts',
        port: '8883',
        protocolVersion: '3.1',
        tlsCa: ' /etc/ca.pem ',
        tlsCert: '/etc/client.pem',
        tlsKey: '/etc/client.key',
        tlsVerify: false,
        tlsServername: 'broker.local',
        tlsAlpn: 'mqtt, x-amzn-mqtt-ca',
        tlsMinVersion: 'TLSv1.3',
        keepalive: '30',
        willEnabled: true,
        willTopic: 'lab/monitor',
        willPayload: 'gone',
        willQos: 1,
        willRetain: true
      },
      none,
      { value: 'key-pass', clear: false }
    )
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.passphrase).toEqual({ action: 'set', value: 'key-pass' })
    expect(r.value.password).toEqual({ action: 'keep' })
    expect(r.value.profile).toMatchObject({
      transport: 'mqtts',
      protocolVersion: '3.1',
      keepalive: 30,
      tls: {
        ca: '/etc/ca.pem',
        cert: '/etc/client.pem',
        key: '/etc/client.key',
        verify: false,
        servername: 'broker.local',
        alpn: ['mqtt', 'x-amzn-mqtt-ca'],
        minVersion: 'TLSv1.3'
      },
      will: { enabled: true, topic: 'lab/monitor', payload: 'gone', qos: 1, retain: true }
    })
    const saved = profileSchema.parse(r.value.profile)
    const again = fieldsFromProfile({ ...saved, hasPassword: false, hasPassphrase: true })
    expect(again.tlsAlpn).toBe('mqtt, x-amzn-mqtt-ca')
    expect(again.willRetain).toBe(true)
  })

  it('clears the saved passphrase only when asked', () => {
    const r = buildProfileInput(base, fields, none, { value: 'x', clear: true })
    expect(r.ok && r.value.passphrase).toEqual({ action: 'clear' })
    const keep = buildProfileInput(base, fields, none)
    expect(keep.ok && keep.value.passphrase).toEqual({ action: 'keep' })
  })

  it('MQTT 5 with clean session off never has a session expiry of 0', () => {
    const v5 = { ...fields, protocolVersion: '5.0' as const, sessionExpiry: '0' }
    expect(onCleanChange(v5, false)).toEqual({
      clean: false,
      sessionExpiry: String(DEFAULT_SESSION_EXPIRY_S)
    })
    expect(onCleanChange({ ...v5, sessionExpiry: '600' }, false)).toEqual({ clean: false })
    const empty = buildProfileInput(base, { ...v5, clean: false, sessionExpiry: '' }, none)
    expect(empty.ok && empty.value.profile.sessionExpiry).toBe(86_400)
    expect(buildProfileInput(base, { ...v5, clean: false }, none)).toMatchObject({
      ok: false,
      error: /^Session expiry \(s\) cannot be 0 with clean session off/
    })
    const clean = buildProfileInput(base, { ...v5, clean: true }, none)
    expect(clean.ok && clean.value.profile.sessionExpiry).toBe(0)
  })

  it('explains bad values naming the field as labelled', () => {
    const bad = (patch: Partial<typeof fields>): unknown =>
      buildProfileInput(base, { ...fields, ...patch }, none)
    expect(bad({ keepalive: '-1' })).toMatchObject({ error: /^Keep-alive \(s\) must be/ })
    expect(bad({ protocolVersion: '5.0', sessionExpiry: '1.5' })).toMatchObject({
      error: /^Session expiry \(s\) must be/
    })
    expect(bad({ tlsCert: '/c.pem' })).toMatchObject({
      error: 'Client certificate and Client key go together: give both, or neither.'
    })
    expect(bad({ tlsServername: 'https://x' })).toMatchObject({ error: /^Server name \(SNI\)/ })
    expect(bad({ willEnabled: true })).toMatchObject({ error: /^Will topic is required/ })
    expect(bad({ willEnabled: true, willTopic: 'a/#' })).toMatchObject({
      error: /^Will topic: .* \+ or #/
    })
  })

  it('refuses a host with spaces in it', () => {
    expect(buildProfileInput(base, { ...fields, host: 'bad host' }, none)).toMatchObject({
      error: /^Host: enter only the host name/
    })
  })

  it('puts a leading slash on a websocket path', () => {
    const r = buildProfileInput(base, { ...fields, transport: 'ws', path: 'mqtt' }, none)
    expect(r.ok && r.value.profile.path).toBe('/mqtt')
  })

  it('knows which transports use TLS and generates fresh client IDs', () => {
    expect(['mqtt', 'mqtts', 'ws', 'wss'].map((t) => usesTls(t as never))).toEqual([
      false,
      true,
      false,
      true
    ])
    const a = generateClientId()
    expect(a).toMatch(/^mqtt-live-monitor-[a-z0-9]+$/)
    expect(generateClientId()).not.toBe(a)
  })
})

describe('the shared subscription group', () => {
  it('is saved trimmed, kept when the form is opened again, and refused with / + or #', () => {
    const saved = buildProfileInput(base, { ...fields, shareGroup: ' plant-workers ' }, none)
    expect(saved.ok && saved.value.profile.shareGroup).toBe('plant-workers')
    const reopened = fieldsFromProfile({ ...base, shareGroup: 'plant-workers' })
    expect(reopened.shareGroup).toBe('plant-workers')
    for (const bad of ['a/b', 'a+', '#']) {
      const refused = buildProfileInput(base, { ...fields, shareGroup: bad }, none)
      expect(refused).toEqual({
        ok: false,
        error: expect.stringMatching(/^Shared subscription group: a name without \/, \+ or #/)
      })
    }
  })
})
