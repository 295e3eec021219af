// Where the OS cannot encrypt secrets, the core keeps one only for this session and only when
// the save says the user agreed. This wraps the api so every profile save that sets a secret
// asks first; the stored secret itself is never read back (the contract has no way to).
import type { Api } from '../../../shared/contract'
import { SECRET_KINDS, type ProfileInput, type SecretKind } from '../../../shared/schemas'
import type { StoreSaveInput } from '../../../shared/store-types'

/** session: keep it until the app quits; skip: save the profile without it; cancel: no save. */
export type ConsentChoice = 'session' | 'skip' | 'cancel'
export type AskConsent = (kinds: SecretKind[]) => Promise<ConsentChoice>

export const NOT_SAVED = 'Not saved: the password was neither kept nor left out.'

export function withSecretConsent(api: Api, ask: AskConsent): Api {
  const invoke = async (channel: string, ...args: unknown[]): Promise<unknown> => {
    const call = api.invoke as (channel: string, ...args: unknown[]) => Promise<unknown>
    if (channel === 'store:save') return saveStore(call, args[0] as StoreSaveInput, ask)
    if (channel !== 'settings:save-profile') return call(channel, ...args)
    const input = args[0] as ProfileInput
    const kinds = SECRET_KINDS.filter((kind) => input[kind]?.action === 'set')
    if (kinds.length === 0) return call(channel, input)
    const choice = await ask(kinds)
    if (choice === 'cancel') throw new Error(NOT_SAVED)
    const next: ProfileInput = { ...input }
    for (const kind of kinds) {
      const given = input[kind]
      next[kind] =
        choice === 'session' && given?.action === 'set'
          ? { ...given, sessionOnly: true }
          : { action: 'clear' }
    }
    return call(channel, next)
  }
  return { invoke: invoke as Api['invoke'], on: (event, listener) => api.on(event, listener) }
}

/** The database store's password asks the same way. */
async function saveStore(
  call: (channel: string, ...args: unknown[]) => Promise<unknown>,
  input: StoreSaveInput,
  ask: AskConsent
): Promise<unknown> {
  const given = input.password
  if (given?.action !== 'set') return call('store:save', input)
  const choice = await ask(['password'])
  if (choice === 'cancel') throw new Error(NOT_SAVED)
  return call('store:save', {
    ...input,
    password: choice === 'session' ? { ...given, sessionOnly: true } : { action: 'clear' }
  })
}
