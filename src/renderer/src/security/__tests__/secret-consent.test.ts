import { describe, expect, it, vi } from 'vitest'
import type { Api } from '../../../../shared/contract'
import type { ProfileInput, SecretKind } from '../../../../shared/schemas'
import { NOT_SAVED, withSecretConsent, type ConsentChoice } from '../secret-consent'

const profile = { id: 'p', name: 'P', host: 'h', clientId: 'c' }

function fakeApi() {
  const calls: [string, unknown][] = []
  const api = {
    invoke: vi.fn(async (channel: string, req?: unknown) => {
      calls.push([channel, req])
      return { saved: req }
    }),
    on: vi.fn(() => () => undefined)
  } as unknown as Api
  return { api, calls }
}

function consenting(choice: ConsentChoice) {
  const asked: SecretKind[][] = []
  const { api, calls } = fakeApi()
  const wrapped = withSecretConsent(api, async (kinds) => (asked.push(kinds), choice))
  const save = (input: ProfileInput) => wrapped.invoke('settings:save-profile', input)
  return { wrapped, save, asked, calls, api }
}

describe('asking before a secret is kept for this session only', () => {
  it('asks only when a save sets a secret, naming which', async () => {
    const c = consenting('session')
    await c.save({ profile, password: { action: 'keep' }, passphrase: { action: 'clear' } })
    await c.wrapped.invoke('settings:get')
    expect(c.asked).toEqual([])
    await c.save({
      profile,
      password: { action: 'set', value: 'pw' },
      passphrase: { action: 'set', value: 'pp' }
    })
    expect(c.asked).toEqual([['password', 'passphrase']])
  })

  it('"keep for this session" passes the consent with each secret set', async () => {
    const c = consenting('session')
    await c.save({ profile, password: { action: 'set', value: 'pw' } })
    expect(c.calls).toEqual([
      [
        'settings:save-profile',
        { profile, password: { action: 'set', value: 'pw', sessionOnly: true } }
      ]
    ])
  })

  it('"save without it" saves the profile with the secret cleared', async () => {
    const c = consenting('skip')
    await c.save({
      profile,
      password: { action: 'set', value: 'pw' },
      passphrase: { action: 'keep' }
    })
    expect(c.calls).toEqual([
      [
        'settings:save-profile',
        { profile, password: { action: 'clear' }, passphrase: { action: 'keep' } }
      ]
    ])
    expect(JSON.stringify(c.calls)).not.toContain('"pw"')
  })

  it('"cancel" saves nothing and says so', async () => {
    const c = consenting('cancel')
    await expect(c.save({ profile, password: { action: 'set', value: 'pw' } })).rejects.toThrow(
      NOT_SAVED
    )
    expect(c.calls).toEqual([])
  })

  it('passes events straight through', () => {
    const c = consenting('session')
    const listener = (): void => undefined
    c.wrapped.on('app:notice', listener)
    expect(c.api.on).toHaveBeenCalledWith('app:notice', listener)
  })
})

describe('the database password asks the same way', () => {
  const settings = {
    enabled: true,
    url: 'postgres://u@h/d',
    sslmode: 'disable' as const,
    caFile: '',
    schema: 's'
  }

  it('keeps it for this session, leaves it out, or saves nothing, as chosen', async () => {
    const session = consenting('session')
    await session.wrapped.invoke('store:save', {
      settings,
      password: { action: 'set', value: 'db-pw' }
    })
    expect(session.asked).toEqual([['password']])
    expect(session.calls).toEqual([
      ['store:save', { settings, password: { action: 'set', value: 'db-pw', sessionOnly: true } }]
    ])
    const skip = consenting('skip')
    await skip.wrapped.invoke('store:save', { settings, password: { action: 'set', value: 'x' } })
    expect(skip.calls).toEqual([['store:save', { settings, password: { action: 'clear' } }]])
    const cancel = consenting('cancel')
    await expect(
      cancel.wrapped.invoke('store:save', { settings, password: { action: 'set', value: 'x' } })
    ).rejects.toThrow(NOT_SAVED)
    expect(cancel.calls).toEqual([])
    const keep = consenting('cancel')
    await keep.wrapped.invoke('store:save', { settings, password: { action: 'keep' } })
    expect(keep.asked).toEqual([])
    expect(keep.calls).toHaveLength(1)
  })
})
