// The preload on the shared electron mock: the renderer gets one `api` object that speaks only
// the contract's channels, and never ipcRenderer itself.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { Api } from '../../../shared/contract'
import { rendererSide } from './electron-mock'

vi.mock('electron', async () => (await import('./electron-mock')).electronModule)

let api: Api
beforeAll(async () => {
  await import('../../../preload/index')
  api = rendererSide.exposed.api as Api
})

describe('the preload', () => {
  it('exposes exactly one object, `api`, with invoke and on only', () => {
    expect(Object.keys(rendererSide.exposed)).toEqual(['api'])
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on'])
  })

  it('unwraps answers, and turns an error envelope into an Error with its plain message', async () => {
    rendererSide.reply = { ok: true, value: { mode: 'desktop' } }
    await expect(api.invoke('app:info')).resolves.toEqual({ mode: 'desktop' })
    expect(rendererSide.invoked.at(-1)).toEqual(['app:info', undefined])
    rendererSide.reply = { ok: false, error: { code: 'forbidden', message: 'No.' } }
    await expect(api.invoke('settings:get')).rejects.toThrow('No.')
  })

  it('refuses channels and events the contract does not have, without reaching the main process', async () => {
    const before = rendererSide.invoked.length
    await expect(api.invoke('shell:exec' as never, undefined as never)).rejects.toThrow(
      /Unknown request/
    )
    expect(rendererSide.invoked).toHaveLength(before)
    expect(() => api.on('ipc:anything' as never, () => undefined)).toThrow(/Unknown event/)
    expect(rendererSide.listeners.has('ipc:anything')).toBe(false)
  })

  it('delivers app:command events, without the IPC event object, until unsubscribed', () => {
    const got: unknown[] = []
    const off = api.on('app:command', (payload) => got.push(payload))
    const [handler] = rendererSide.listeners.get('app:command')!
    handler({ sender: 'secret internals' }, { command: 'pause' })
    expect(got).toEqual([{ command: 'pause' }])
    off()
    expect(rendererSide.listeners.get('app:command')).toEqual([])
  })
})
