import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import {
  eventChannels,
  invokeChannels,
  type Envelope,
  type EventChannel,
  type EventPayload,
  type InvokeChannel
} from '../../shared/contract'
import { dispatch } from '../core/dispatch'
import type { MonitorCore } from '../core/monitor-core'

/** Only our own window's top frame may call the core. */
export function isTrustedSender(event: IpcMainInvokeEvent, win: BrowserWindow | null): boolean {
  if (!win || win.isDestroyed()) return false
  if (event.sender !== win.webContents) return false
  const frame = event.senderFrame
  return frame !== null && frame === win.webContents.mainFrame
}

export interface IpcOptions {
  /** Sees every successful answer (the shell follows UI settings from them). */
  observe?: (channel: InvokeChannel, value: unknown) => void
}

/** Binds every contract channel to the core, and pushes core events to the window. */
export function setupIpc(
  core: MonitorCore,
  getWindow: () => BrowserWindow | null,
  options: IpcOptions = {}
): () => void {
  for (const channel of invokeChannels) {
    ipcMain.handle(channel, async (event, raw: unknown): Promise<Envelope<unknown>> => {
      if (!isTrustedSender(event, getWindow())) {
        return {
          ok: false,
          error: {
            code: 'forbidden',
            message: 'Request refused: it did not come from the app window.'
          }
        }
      }
      const envelope = await dispatch(core.handlers, channel, raw)
      if (envelope.ok) options.observe?.(channel, envelope.value)
      return envelope
    })
  }
  const offs = eventChannels.map((channel) =>
    core.on(channel, (payload) => {
      const win = getWindow()
      if (win && !win.isDestroyed()) win.webContents.send(channel, payload)
    })
  )
  return () => {
    offs.forEach((off) => off())
    for (const channel of invokeChannels) ipcMain.removeHandler(channel)
  }
}

/** Pushes an event that comes from the shell rather than the core (menu commands, updates). */
export function sendEvent<E extends EventChannel>(
  getWindow: () => BrowserWindow | null,
  channel: E,
  payload: EventPayload<E>
): void {
  const win = getWindow()
  if (win && !win.isDestroyed()) win.webContents.send(channel, payload)
}
