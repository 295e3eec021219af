// The renderer's only door to the app: one `api` object, checked against the contract.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { isEventChannel, isInvokeChannel, type Api, type Envelope } from '../shared/contract'

const api: Api = {
  async invoke(channel, ...args) {
    if (!isInvokeChannel(channel)) throw new Error(`Unknown request ${String(channel)}`)
    const envelope = (await ipcRenderer.invoke(channel, args[0])) as Envelope<never>
    if (!envelope.ok) throw new Error(envelope.error.message)
    return envelope.value
  },
  on(event, listener) {
    if (!isEventChannel(event)) throw new Error(`Unknown event ${String(event)}`)
    const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload as never)
    ipcRenderer.on(event, handler)
    return () => {
      ipcRenderer.removeListener(event, handler)
    }
  }
}

contextBridge.exposeInMainWorld('api', api)

export type { Api }
