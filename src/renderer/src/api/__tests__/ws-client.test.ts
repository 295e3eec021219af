import { describe, expect, it, vi } from 'vitest'
import { decodeFrame, encodeFrame, type WireMessage } from '../../../../shared/frame-codec'
import {
  LOST_CONNECTION_NOTICE,
  RECONNECTED_NOTICE,
  closedByServerNotice,
  createWsApi,
  wsUrlFor,
  type WebSocketLike
} from '../ws-client'

class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = []
  binaryType = 'blob'
  readyState = 0
  onopen: WebSocketLike['onopen'] = null
  onclose: WebSocketLike['onclose'] = null
  onerror: WebSocketLike['onerror'] = null
  onmessage: WebSocketLike['onmessage'] = null
  sent: WireMessage[] = []
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  send(data: Uint8Array): void {
    this.sent.push(decodeFrame(data) as WireMessage)
  }
  close(): void {
    this.drop()
  }
  open(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  drop(code = 1006, reason = ''): void {
    this.readyState = 3
    this.onclose?.({ code, reason })
  }
  receive(message: WireMessage): void {
    const bytes = encodeFrame(message)
    const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    this.onmessage?.({ data })
  }
}

function setup() {
  FakeSocket.all = []
  const timers: { fn: () => void; ms: number }[] = []
  const api = createWsApi({
    url: 'ws://host/ws',
    WebSocket: FakeSocket,
    setTimeout: (fn, ms) => timers.push({ fn, ms }),
    clearTimeout: () => {}
  })
  const socket = () => FakeSocket.all[FakeSocket.all.length - 1]
  return { api, timers, socket }
}

describe('wsUrlFor', () => {
  it('builds the socket URL from the page location, with its token', () => {
    expect(wsUrlFor({ protocol: 'http:', host: 'localhost:8080', search: '' })).toBe(
      'ws://localhost:8080/ws'
    )
    expect(wsUrlFor({ protocol: 'https:', host: 'h', search: '?token=a b&x=1' })).toBe(
      'wss://h/ws?token=a%20b'
    )
  })
})

describe('createWsApi', () => {
  it('queues invokes until open, then resolves results by id', async () => {
    const { api, socket } = setup()
    expect(socket().binaryType).toBe('arraybuffer')
    const info = api.invoke('app:info')
    const list = api.invoke('connection:list')
    expect(socket().sent).toEqual([])
    socket().open()
    expect(socket().sent.map((m) => m.kind === 'invoke' && m.channel)).toEqual([
      'app:info',
      'connection:list'
    ])
    const [first, second] = socket().sent as Extract<WireMessage, { kind: 'invoke' }>[]
    socket().receive({ kind: 'result', id: second.id, envelope: { ok: true, value: [] } })
    socket().receive({
      kind: 'result',
      id: first.id,
      envelope: { ok: true, value: { mode: 'serve' } }
    })
    await expect(list).resolves.toEqual([])
    await expect(info).resolves.toEqual({ mode: 'serve' })
  })

  it('sends the request and rejects with the error message of a failed envelope', async () => {
    const { api, socket } = setup()
    socket().open()
    const p = api.invoke('connection:open', { profileId: 'p1' })
    const sent = socket().sent[0] as Extract<WireMessage, { kind: 'invoke' }>
    expect(sent.req).toEqual({ profileId: 'p1' })
    socket().receive({
      kind: 'result',
      id: sent.id,
      envelope: { ok: false, error: { code: 'not-found', message: 'No profile p1.' } }
    })
    await expect(p).rejects.toThrow('No profile p1.')
  })

  it('delivers events with typed arrays intact, until unsubscribed', () => {
    const { api, socket } = setup()
    socket().open()
    const listener = vi.fn()
    const off = api.on('capture:batch', listener)
    const t = Float64Array.from([1, 2])
    socket().receive({
      kind: 'event',
      channel: 'capture:batch',
      payload: {
        defs: [],
        points: { ids: Float64Array.of(1), counts: Float64Array.of(2), t, v: t },
        topics: []
      }
    })
    expect(listener).toHaveBeenCalledTimes(1)
    const batch = listener.mock.calls[0][0]
    expect(batch.points.t).toBeInstanceOf(Float64Array)
    expect(Array.from(batch.points.t)).toEqual([1, 2])
    expect(Array.from(batch.points.ids)).toEqual([1])
    off()
    socket().receive({ kind: 'event', channel: 'capture:batch', payload: batch })
    expect(listener).toHaveBeenCalledTimes(1)
  })

  it('rejects pending invokes on a drop, announces it, and reconnects with backoff', async () => {
    const { api, socket, timers } = setup()
    const notices = vi.fn()
    const reconnected = vi.fn()
    api.on('app:notice', notices)
    api.onReconnect(reconnected)
    const first = socket()
    first.open()
    const pending = api.invoke('settings:get')
    first.drop()
    await expect(pending).rejects.toThrow(/Lost connection to the app server/)
    expect(notices).toHaveBeenCalledWith({ level: 'warning', message: LOST_CONNECTION_NOTICE })

    // While down, an invoke fails at once with plain words.
    await expect(api.invoke('app:info')).rejects.toThrow(/Not connected to the app server/)

    expect(timers.map((t) => t.ms)).toEqual([500])
    timers[0].fn()
    socket().drop() // the retry fails too: the delay doubles, no second notice
    expect(timers.map((t) => t.ms)).toEqual([500, 1000])
    expect(notices).toHaveBeenCalledTimes(1)
    timers[1].fn()
    socket().open()
    expect(reconnected).toHaveBeenCalledTimes(1)
    expect(notices).toHaveBeenLastCalledWith({ level: 'info', message: RECONNECTED_NOTICE })
    expect(FakeSocket.all).toHaveLength(3)
  })

  it('shows the reason the server gave for closing, then reconnects and says so', async () => {
    const { api, socket, timers } = setup()
    const notices = vi.fn()
    const reconnected = vi.fn()
    api.on('app:notice', notices)
    api.onReconnect(reconnected)
    socket().open()
    const pending = api.invoke('capture:snapshot', {})
    const reason = 'This page fell more than 64 MB behind the server and was disconnected.'
    socket().drop(1013, reason)
    await expect(pending).rejects.toThrow(/Lost connection to the app server/)
    expect(notices).toHaveBeenCalledExactlyOnceWith({
      level: 'warning',
      message: closedByServerNotice(reason)
    })
    expect(closedByServerNotice(reason)).toBe(
      'The app server closed the connection: This page fell more than 64 MB behind the server and was disconnected. Reconnecting…'
    )
    expect(timers.map((t) => t.ms)).toEqual([500])
    timers[0].fn()
    socket().open()
    expect(reconnected).toHaveBeenCalledTimes(1)
    expect(notices).toHaveBeenLastCalledWith({ level: 'info', message: RECONNECTED_NOTICE })
  })

  it('treats a failed first connection followed by success as a reconnect', async () => {
    const { api, socket, timers } = setup()
    const reconnected = vi.fn()
    api.onReconnect(reconnected)
    const p = api.invoke('app:info')
    socket().drop()
    await expect(p).rejects.toThrow(/Cannot reach the app server/)
    timers[0].fn()
    socket().open()
    expect(reconnected).toHaveBeenCalledTimes(1)
  })

  it('close() stops reconnecting and rejects what is pending', async () => {
    const { api, socket, timers } = setup()
    socket().open()
    const p = api.invoke('app:info')
    api.close()
    await expect(p).rejects.toThrow(/closed/)
    expect(timers).toEqual([])
  })

  it('ignores unreadable frames and results for unknown ids', () => {
    const { socket } = setup()
    socket().open()
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    socket().onmessage?.({ data: new ArrayBuffer(2) })
    socket().receive({ kind: 'result', id: 999, envelope: { ok: true, value: 1 } })
    expect(spy).toHaveBeenCalledTimes(1)
    spy.mockRestore()
  })
})
