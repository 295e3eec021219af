import { profileSchema } from '../../../../shared/schemas'
import type { ProfileView } from '../../../../shared/types'

export { decoderSchema } from '../../../../shared/schemas'

export function newProfileDefaults(): ProfileView {
  const profile = profileSchema.parse({ id: 'p', name: 'Lab', host: 'localhost', clientId: 'c' })
  return { ...profile, hasPassword: false, hasPassphrase: false }
}
