// Requests built to hurt the server: refused with plain words, and it keeps answering.
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { decodeFrame, encodeFrame, type WireMessage } from '../../../shared/frame-codec'
import { startTestServer, type TestServer } from './serve-helpers'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** A raw WebSocket client: sends invokes, resolves each with its envelope. */
async function rawClient(base: string) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`)
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const replies = new Map<number, (m: WireMessage) => void>()
  ws.on('message', (data: Buffer) => {
    const message = decodeFrame(new Uint8Array(data)) as WireMessage
    if (message.kind === 'result') replies.get(message.id)?.(message)
  })
  let id = 0
  const send = (reqJson: (id: number) => Uint8Array): Promise<WireMessage> => {
    const mine = ++id
    return new Promise((resolve) => {
      replies.set(mine, resolve)
      ws.send(reqJson(mine))
    })
  }
  return {
    invoke: (channel: string, req: unknown) =>
      send((mine) => encodeFrame({ kind: 'invoke', id: mine, channel, req })),
    /** A request whose JSON is written by hand: too deep for the test's own JSON.stringify. */
    invokeJson: (channel: string, reqJson: string) =>
      send((mine) =>
        frame(`{"v":{"kind":"invoke","id":${mine},"channel":"${channel}","req":${reqJson}},"a":[]}`)
      ),
    close: () => ws.close()
  }
}

/** The wire frame layout (frame-codec.ts) around a header written as text. */
function frame(headerJson: string): Uint8Array {
  const header = Buffer.from(headerJson, 'utf8')
  const out = Buffer.alloc(4 + header.length)
  out.writeUInt32LE(header.length, 0)
  header.copy(out, 4)
  return out
}

const deepLayout = (depth: number): string => '{"charts":['.repeat(depth) + '1' + ']}'.repeat(depth)

describe('hostile requests over the WebSocket', () => {
  it('a layout nested 2,200 deep is refused and nothing is saved; the server keeps answering', async () => {
    server = await startTestServer({ host: '127.0.0.1' })
    const client = await rawClient(server.base)
    const saved = await client.invokeJson('settings:save-ui', `{"layout":${deepLayout(2200)}}`)
    expect(saved).toMatchObject({
      kind: 'result',
      envelope: {
        ok: false,
        error: {
          code: 'bad-request',
          message: 'Request for settings:save-ui refused: it has nested deeper than 32 levels.'
        }
      }
    })
    const get = await client.invoke('settings:get', undefined)
    expect(get).toMatchObject({ envelope: { ok: true, value: { ui: { theme: 'system' } } } })
    expect((get as { envelope: { value: { ui: object } } }).envelope.value.ui).not.toHaveProperty(
      'layout'
    )
    client.close()
  })

  it('refuses too many values in one request, on any channel', async () => {
    server = await startTestServer({ host: '127.0.0.1' })
    const client = await rawClient(server.base)
    const reply = await client.invoke('app:info', { junk: new Array(300_000).fill(0) })
    expect(reply).toMatchObject({
      envelope: {
        ok: false,
        error: { message: expect.stringContaining('more than 200000 values') }
      }
    })
    expect(await client.invoke('app:info', undefined)).toMatchObject({ envelope: { ok: true } })
    client.close()
  })
})
