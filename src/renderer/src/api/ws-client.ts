// The Api over a WebSocket (serve mode in a browser): binary frames from the shared codec,
// invokes matched to results by id, pushed events fanned out to listeners, and a socket that
// comes back on its own with backoff after it drops.
import type { Api, EventChannel, InvokeChannel } from '../../../shared/contract'
import { decodeFrame, encodeFrame, type WireMessage } from '../../../shared/frame-codec'
import type { Notice } from '../../../shared/types'

/** The part of the browser WebSocket this client uses; tests inject a fake. */
export interface WebSocketLike {
  binaryType: string
  readonly readyState: number
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: { code?: number; reason?: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
}

export type WebSocketFactory = new (url: string) => WebSocketLike

export interface WsClientOptions {
  url: string
  WebSocket: WebSocketFactory
  /** First reconnect delay; doubles per failed try up to maxDelayMs. */
  initialDelayMs?: number
  maxDelayMs?: number
  setTimeout?: (fn: () => void, ms: number) => unknown
  clearTimeout?: (handle: unknown) => void
}

export interface WsApi extends Api {
  /** Called each time the socket opens again after a drop or a failed first try. */
  onReconnect(listener: () => void): () => void
  close(): void
}

export const LOST_CONNECTION_NOTICE = 'Lost connection to the app server — reconnecting…'
export const RECONNECTED_NOTICE = 'Reconnected to the app server.'

/** The server's words when it disconnects this page (e.g. for falling behind), shown as they are. */
export function closedByServerNotice(reason: string): string {
  return `The app server closed the connection: ${reason} Reconnecting…`
}

const OPEN = 1
const CONNECTING = 0

interface Pending {
  channel: InvokeChannel
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

/** ws(s)://host/ws, carrying the page's `token` query parameter when it has one. */
export function wsUrlFor(location: { protocol: string; host: string; search: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const token = new URLSearchParams(location.search).get('token')
  const query = token ? `?token=${encodeURIComponent(token)}` : ''
  return `${scheme}//${location.host}/ws${query}`
}

export function createWsApi(options: WsClientOptions): WsApi {
  const initialDelay = options.initialDelayMs ?? 500
  const maxDelay = options.maxDelayMs ?? 10_000
  const setTimer = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms))
  const clearTimer =
    options.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>))

  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>()
  const reconnectListeners = new Set<() => void>()
  const pending = new Map<number, Pending>()
  const queued: { id: number; frame: Uint8Array }[] = []
  let nextId = 1
  let socket: WebSocketLike | null = null
  let retryTimer: unknown = null
  let delay = initialDelay
  let closedByUser = false
  let everFailed = false
  let announcedLoss = false

  const emit = (channel: EventChannel, payload: unknown): void => {
    for (const listener of listeners.get(channel) ?? []) {
      try {
        listener(payload)
      } catch (error) {
        // One broken listener must not starve the others or kill the socket handler.
        console.error(`listener for ${channel} failed`, error)
      }
    }
  }

  const notice = (level: Notice['level'], message: string): void =>
    emit('app:notice', { level, message } satisfies Notice)

  const failAll = (message: (channel: InvokeChannel) => string): void => {
    queued.length = 0
    const entries = [...pending.values()]
    pending.clear()
    for (const p of entries) p.reject(new Error(message(p.channel)))
  }

  const handleMessage = (data: unknown): void => {
    let message: WireMessage
    try {
      if (data instanceof ArrayBuffer) message = decodeFrame(new Uint8Array(data)) as WireMessage
      else if (ArrayBuffer.isView(data))
        message = decodeFrame(
          new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        ) as WireMessage
      else if (typeof data === 'string') message = JSON.parse(data) as WireMessage
      else return
    } catch (error) {
      console.error('unreadable frame from the app server', error)
      return
    }
    if (message?.kind === 'result') {
      const p = pending.get(message.id)
      if (!p) return
      pending.delete(message.id)
      const envelope = message.envelope
      if (envelope?.ok) p.resolve(envelope.value)
      else p.reject(new Error(envelope?.error?.message || `${p.channel} failed`))
    } else if (message?.kind === 'event') {
      emit(message.channel, message.payload)
    }
  }

  const scheduleReconnect = (): void => {
    if (closedByUser || retryTimer !== null) return
    const wait = delay
    delay = Math.min(maxDelay, delay * 2)
    retryTimer = setTimer(() => {
      retryTimer = null
      connect()
    }, wait)
  }

  const connect = (): void => {
    const ws = new options.WebSocket(options.url)
    socket = ws
    ws.binaryType = 'arraybuffer'
    let opened = false
    ws.onopen = () => {
      if (socket !== ws) return
      opened = true
      delay = initialDelay
      for (const { id, frame } of queued.splice(0)) if (pending.has(id)) ws.send(frame)
      if (everFailed) {
        everFailed = false
        if (announcedLoss) notice('info', RECONNECTED_NOTICE)
        announcedLoss = false
        for (const l of [...reconnectListeners]) l()
      }
    }
    ws.onmessage = (ev) => {
      if (socket === ws) handleMessage(ev.data)
    }
    ws.onerror = () => {
      // The close event follows and carries the handling.
    }
    ws.onclose = (ev) => {
      if (socket !== ws) return
      socket = null
      everFailed = true
      failAll((channel) =>
        opened
          ? `Lost connection to the app server before ${channel} finished.`
          : `Cannot reach the app server (${channel} was not sent).`
      )
      if (closedByUser) return
      const reason = typeof ev?.reason === 'string' ? ev.reason.trim() : ''
      if (opened && reason) {
        // The server said why (it drops a page that fell far behind): say so, whatever came before.
        announcedLoss = true
        notice('warning', closedByServerNotice(reason))
      } else if (opened && !announcedLoss) {
        announcedLoss = true
        notice('warning', LOST_CONNECTION_NOTICE)
      }
      scheduleReconnect()
    }
  }

  connect()

  const api: WsApi = {
    invoke(channel, ...args) {
      return new Promise((resolve, reject) => {
        const ws = socket
        if (closedByUser || !ws || (ws.readyState !== OPEN && ws.readyState !== CONNECTING)) {
          reject(
            new Error(`Not connected to the app server (reconnecting); ${channel} was not sent.`)
          )
          return
        }
        const id = nextId++
        const message: WireMessage = { kind: 'invoke', id, channel, req: args[0] }
        let frame: Uint8Array
        try {
          frame = encodeFrame(message)
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)))
          return
        }
        pending.set(id, { channel, resolve: resolve as (v: unknown) => void, reject })
        if (ws.readyState === OPEN) ws.send(frame)
        else queued.push({ id, frame })
      })
    },
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) {
        set = new Set()
        listeners.set(event, set)
      }
      const wrapped = listener as (payload: unknown) => void
      set.add(wrapped)
      return () => {
        set.delete(wrapped)
      }
    },
    onReconnect(listener) {
      reconnectListeners.add(listener)
      return () => {
        reconnectListeners.delete(listener)
      }
    },
    close() {
      closedByUser = true
      if (retryTimer !== null) clearTimer(retryTimer)
      retryTimer = null
      const ws = socket
      socket = null
      failAll((channel) => `The app server connection was closed before ${channel} finished.`)
      ws?.close()
    }
  }
  return api
}
