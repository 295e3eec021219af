import { describe, expect, it } from 'vitest'
import {
  describeWithMosquitto,
  coreHarnessForSuite
} from '../../../../../test-support/vitest-suites'
import { newProfile } from '../../../../shared/defaults'
import type { ConnectionStatus } from '../../../../shared/types'
import { clientIdWarning } from '../client-id-check'

const status = (state: ConnectionStatus['state']): ConnectionStatus => ({
  profileId: 'x',
  name: 'x',
  state,
  since: 0
})

describe('clientIdWarning', () => {
  const mine = newProfile('mine', { name: 'Mine', host: 'Broker.lan', clientId: 'esp-1' })
  const other = (state: ConnectionStatus['state'], more = {}) => ({
    profile: newProfile('other', { name: 'Other', host: 'broker.lan', clientId: 'esp-1', ...more }),
    status: status(state)
  })

  it('warns while another profile holds the same client ID on the same host (any port)', () => {
    for (const state of ['connecting', 'connected', 'reconnecting'] as const)
      expect(clientIdWarning(mine, [other(state, { port: 8883 })])).toBe(
        '"Other" is already connected to Broker.lan with client ID "esp-1". The broker allows one ' +
          'connection per client ID, so connecting "Mine" too would make it disconnect one of ' +
          'them, again and again. Give one profile another client ID, or disconnect "Other" first.'
      )
  })

  it('says nothing for another client ID, another host, a stopped connection, or itself', () => {
    expect(clientIdWarning(mine, [other('connected', { clientId: 'esp-2' })])).toBeNull()
    expect(clientIdWarning(mine, [other('connected', { host: 'other.lan' })])).toBeNull()
    expect(clientIdWarning(mine, [other('disconnected'), other('error')])).toBeNull()
    expect(clientIdWarning(mine, [{ profile: mine, status: status('connected') }])).toBeNull()
  })

  it('treats [::1] and ::1 as the same host', () => {
    const v6 = newProfile('v6', { name: 'V6', host: '[::1]', clientId: 'esp-1' })
    expect(clientIdWarning(v6, [other('connected', { host: '::1' })])).toMatch(/already connected/)
  })
})

const BROKER = { anonymous: true, password: false }

describeWithMosquitto('connection:check before Connect (real Mosquitto)', BROKER, (broker) => {
  const app = coreHarnessForSuite()

  it("warns about the second profile with a connected one's client ID, until that one stops", async () => {
    const base = { host: '127.0.0.1', port: broker.ports.anonymous!, clientId: 'shared-id' }
    await app.connect({ id: 'first', name: 'First', ...base }, { broker })
    await app.saveProfile({ id: 'second', name: 'Second', ...base })
    await app.saveProfile({ id: 'third', name: 'Third', ...base, clientId: 'own-id' })

    const { warning } = await app.invoke('connection:check', { profileId: 'second' })
    expect(warning).toMatch(
      /^"First" is already connected to 127\.0\.0\.1 with client ID "shared-id"/
    )
    expect(await app.invoke('connection:check', { profileId: 'third' })).toEqual({
      warning: null
    })
    expect(await app.invoke('connection:check', { profileId: 'first' })).toEqual({
      warning: null
    })

    await app.invoke('connection:close', { profileId: 'first' })
    expect(await app.invoke('connection:check', { profileId: 'second' })).toEqual({
      warning: null
    })
  })

  it('answers in words for a profile that does not exist', async () => {
    await expect(app.invoke('connection:check', { profileId: 'nope' })).rejects.toThrow(
      'There is no connection profile "nope".'
    )
  })
})
