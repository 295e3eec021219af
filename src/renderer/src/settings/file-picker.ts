import type { Api } from '../../../shared/contract'
import type { PickFile } from './FileField'

/**
 * The desktop app chooses TLS files with the native dialog (`dialog:pick-file`); the browser
 * cannot see the serving machine's files, so there the paths are typed and no picker exists.
 */
export function filePickerFor(api: Api, mode: 'dialog' | 'path' | undefined): PickFile | undefined {
  if (mode !== 'dialog') return undefined
  return async (purpose) => (await api.invoke('dialog:pick-file', { purpose })).path
}
