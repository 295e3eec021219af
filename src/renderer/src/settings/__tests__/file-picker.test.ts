import { describe, expect, it } from 'vitest'
import type { Api } from '../../../../shared/contract'
import { filePickerFor } from '../file-picker'

describe('filePickerFor', () => {
  const calls: unknown[] = []
  const api = {
    invoke: async (channel: string, req: unknown) => {
      calls.push([channel, req])
      return { path: '/home/me/client.key' }
    },
    on: () => () => undefined
  } as unknown as Api

  it('uses the native dialog in the desktop app', async () => {
    const pick = filePickerFor(api, 'dialog')
    expect(await pick!('key')).toBe('/home/me/client.key')
    expect(calls).toEqual([['dialog:pick-file', { purpose: 'key' }]])
  })

  it('has no picker in the browser, where paths are typed', () => {
    expect(filePickerFor(api, 'path')).toBeUndefined()
    expect(filePickerFor(api, undefined)).toBeUndefined()
  })
})
