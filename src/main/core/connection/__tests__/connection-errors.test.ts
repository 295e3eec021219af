import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  describeWithMosquitto,
  coreHarnessForSuite
} from '../../../../../test-support/vitest-suites'
import { freePort } from '../../../../../test-support/ports'
import type { Profile } from '../../../../shared/schemas'
import { describeFailure } from '../connection-errors'

describe('describeFailure', () => {
  it('maps MQTT 3.1.1 return codes and MQTT 5 reason codes to the same words', () => {
    const words = (code: number): string => describeFailure({ code }, 'h:1').message
    expect(words(5)).toBe('Not authorized: wrong username or password.')
    expect(words(135)).toBe(words(5))
    expect(words(134)).toBe(words(5))
    expect(words(1)).toBe(words(132))
    expect(describeFailure({ code: 5 }, 'h:1').fatal).toBe(true)
    expect(describeFailure({ code: 3 }, 'h:1').fatal).toBe(false)
  })

  it('names the server name it checked when one is set', () => {
    const f = describeFailure(
      { code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
      '10.0.0.1:8883',
      'b.example'
    )
    expect(f.message).toMatch(/^Server name does not match the certificate: b\.example is not/)
  })

  it('says something in words for anything unknown, and keeps retrying', () => {
    expect(describeFailure(new Error('boom'), 'h:1')).toEqual({
      message: 'Connection failed: boom',
      fatal: false
    })
    expect(describeFailure(undefined, 'h:1').message).toBe('Connection failed: undefined')
  })
})

const BROKER = { anonymous: false, password: true }

describeWithMosquitto('connection errors in plain words (real parts)', BROKER, (broker) => {
  const app = coreHarnessForSuite()
  let silent: Server
  const held: Socket[] = []

  beforeAll(async () => {
    // Accepts TCP and never answers MQTT: what a firewall black hole or a hung broker looks like.
    silent = createServer((socket) => held.push(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  })
  afterAll(async () => {
    held.forEach((s) => s.destroy())
    await new Promise((resolve) => silent?.close(resolve))
  })

  async function open(id: string, profile: Partial<Profile>, password?: string) {
    await app.saveProfile(
      { id, name: id, host: '127.0.0.1', topics: [], ...profile } as never,
      password
    )
    await app.invoke('connection:open', { profileId: id })
  }

  it.each(['3.1', '3.1.1', '5.0'] as const)(
    'MQTT %s: a wrong password is "not authorized", shown as an error without retrying',
    async (version) => {
      const id = `auth-${version}`
      await open(
        id,
        { port: broker.ports.password!, username: 'sensor', protocolVersion: version },
        'wrong'
      )
      const status = await app.waitForState(id, 'error')
      expect(status.message).toBe('Not authorized: wrong username or password.')
      expect(status.nextRetryAt).toBeUndefined()
    }
  )

  it('an unknown user is "not authorized" too', async () => {
    await open('auth-user', { port: broker.ports.password!, username: 'nobody' }, 'x')
    expect((await app.waitForState('auth-user', 'error')).message).toBe(
      'Not authorized: wrong username or password.'
    )
  })

  it('a port with no broker is "connection refused", retried with backoff', async () => {
    const port = await freePort()
    await open('refused', { port })
    const status = await app.waitForState('refused', 'reconnecting')
    expect(status).toMatchObject({
      message: `Connection refused by 127.0.0.1:${port}: no broker is listening there.`,
      attempt: 1
    })
    await app.invoke('connection:close', { profileId: 'refused' })
  })

  it('a name that does not resolve is "host not found"', async () => {
    await open('dns', { host: 'no-such-broker.invalid', port: 1883 })
    const status = await app.waitForState('dns', 'reconnecting')
    expect(status.message).toBe(
      'Host not found: no-such-broker.invalid does not resolve to an address.'
    )
    await app.invoke('connection:close', { profileId: 'dns' })
  })

  it('a broker that never answers is "timed out"', async () => {
    const port = (silent.address() as { port: number }).port
    await open('silent', { port, connectTimeoutMs: 1000 })
    const status = await app.waitForState('silent', 'reconnecting')
    expect(status.message).toBe(
      `Timed out connecting to 127.0.0.1:${port}: no answer from the broker.`
    )
    await app.invoke('connection:close', { profileId: 'silent' })
  })
})
