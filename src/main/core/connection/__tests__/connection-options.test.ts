import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestCerts, type TestCerts } from '../../../../../test-support/certs'
import { mosquittoAvailable } from '../../../../../test-support/mosquitto'
import { newProfile } from '../../../../shared/defaults'
import { tlsSchema, willSchema, type Profile } from '../../../../shared/schemas'
import {
  buildMqttOptions,
  DEFAULT_SESSION_EXPIRY_S,
  normalizePath,
  ProfileError
} from '../mqtt-options'

const profile = (over: Partial<Profile> = {}): Profile => newProfile('p', over)

describe('buildMqttOptions', () => {
  it('maps 3.1, 3.1.1 and 5.0 to protocol id and level', () => {
    const of = (v: Profile['protocolVersion']) => {
      const o = buildMqttOptions(profile({ protocolVersion: v }), {})
      return [o.protocolId, o.protocolVersion]
    }
    expect([of('3.1'), of('3.1.1'), of('5.0')]).toEqual([
      ['MQIsdp', 3],
      ['MQTT', 4],
      ['MQTT', 5]
    ])
  })

  it('asks MQTT 5 for one day of session when clean session is off and no expiry is set', () => {
    const off = buildMqttOptions(profile({ protocolVersion: '5.0', clean: false }), {})
    expect(off.properties?.sessionExpiryInterval).toBe(DEFAULT_SESSION_EXPIRY_S)
    expect(DEFAULT_SESSION_EXPIRY_S).toBe(86_400)
    const set = buildMqttOptions(
      profile({ protocolVersion: '5.0', clean: false, sessionExpiry: 60 }),
      {}
    )
    expect(set.properties?.sessionExpiryInterval).toBe(60)
    expect(buildMqttOptions(profile({ clean: false }), {}).properties).toBeUndefined()
  })

  it('leaves reconnects to us and passes keep-alive, credentials and the will', () => {
    const o = buildMqttOptions(
      profile({
        keepalive: 17,
        username: 'u',
        will: willSchema.parse({ enabled: true, topic: 'w', payload: 'bye', qos: 2, retain: true })
      }),
      { password: 'pw' }
    )
    expect(o).toMatchObject({
      reconnectPeriod: 0,
      resubscribe: false,
      keepalive: 17,
      username: 'u',
      password: 'pw',
      will: { topic: 'w', qos: 2, retain: true }
    })
    expect(o.will?.payload.toString()).toBe('bye')
  })

  it("turns mqtt.js's per-packet logging off unless DEBUG is set", () => {
    const saved = process.env.DEBUG
    try {
      delete process.env.DEBUG
      const quiet = buildMqttOptions(profile(), {})
      expect(typeof quiet.log).toBe('function')
      process.env.DEBUG = 'mqttjs*'
      expect(buildMqttOptions(profile(), {}).log).toBeUndefined()
    } finally {
      if (saved === undefined) delete process.env.DEBUG
      else process.env.DEBUG = saved
    }
  })

  it('gives a websocket path a leading slash', () => {
    expect(normalizePath('mqtt')).toBe('/mqtt')
    expect(normalizePath(' ')).toBe('/mqtt')
    expect(buildMqttOptions(profile({ transport: 'ws', path: 'ws' }), {}).path).toBe('/ws')
    expect(buildMqttOptions(profile({ transport: 'mqtt', path: 'ws' }), {}).path).toBeUndefined()
  })
})

// makeTestCerts needs openssl, which mosquittoAvailable() checks with the broker binaries.
const available = mosquittoAvailable()
if (!available.ok)
  console.warn(`\n*** SKIPPING certificate file options: ${available.reason} ***\n`)
describe.skipIf(!available.ok)('buildMqttOptions with real certificate files', () => {
  let certs: TestCerts
  let dir: string
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlm-options-'))
    certs = await makeTestCerts(dir)
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  const tls = () =>
    tlsSchema.parse({ ca: certs.caCert, cert: certs.clientCert, key: certs.clientKey })

  it('hands servername, ALPN and minimum version to the WebSocket for wss', () => {
    const o = buildMqttOptions(
      profile({
        transport: 'wss',
        tls: { ...tls(), servername: 'b.example', alpn: ['mqtt'], minVersion: 'TLSv1.3' }
      }),
      { passphrase: certs.passphrase }
    )
    expect(o.wsOptions).toMatchObject({
      servername: 'b.example',
      ALPNProtocols: ['mqtt'],
      minVersion: 'TLSv1.3',
      rejectUnauthorized: true,
      passphrase: certs.passphrase
    })
  })

  it('refuses half a client identity and a wrong passphrase before any network traffic', () => {
    const build = (t: Partial<Profile['tls']>, passphrase?: string) => () =>
      buildMqttOptions(profile({ transport: 'mqtts', tls: { ...tls(), ...t } }), { passphrase })
    expect(build({ key: '' })).toThrow(
      new ProfileError('A client certificate needs its client key: choose the key file too.')
    )
    expect(build({}, 'wrong')).toThrow(
      new ProfileError('Wrong key passphrase: the client key could not be decrypted.')
    )
    expect(build({ key: certs.otherClientKey })).toThrow(
      new ProfileError('The client key does not belong to the client certificate.')
    )
  })
})
