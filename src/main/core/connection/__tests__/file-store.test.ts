import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Packet } from 'mqtt'
import { afterEach, describe, expect, it } from 'vitest'
import { FileStore } from '../file-store'

const dirs: string[] = []
const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlm-file-store-'))
  dirs.push(dir)
  return dir
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })))

const publish = (messageId: number, payload: string): Packet =>
  ({
    cmd: 'publish',
    topic: `t/${messageId}`,
    payload: Buffer.from(payload),
    qos: 2,
    dup: false,
    retain: false,
    messageId,
    properties: { correlationData: Buffer.from([0, 255, 7]), userProperties: { a: 'b' } }
  }) as Packet

const call = <T>(fn: (cb: (error?: Error, value?: T) => void) => unknown): Promise<T | undefined> =>
  new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))))

describe('FileStore (the in-flight QoS 2 messages of a persistent session, on disk)', () => {
  it('calls back from put only once the message is in a file another store instance reads', async () => {
    const dir = tempDir()
    await call((cb) => new FileStore(dir).put(publish(7, 'héllo'), cb))
    const again = new FileStore(dir)
    const got = (await call<Packet>((cb) => again.get({ messageId: 7 }, cb))) as unknown as {
      topic: string
      payload: Buffer
      properties: { correlationData: Buffer }
    }
    expect(got.topic).toBe('t/7')
    expect(got.payload.toString()).toBe('héllo')
    expect(Buffer.isBuffer(got.properties.correlationData)).toBe(true)
    expect([...got.properties.correlationData]).toEqual([0, 255, 7])
    expect(got.properties).toMatchObject({ userProperties: { a: 'b' } })
  })

  it('forgets a released message on disk too, and says "missing" for one it never had', async () => {
    const dir = tempDir()
    const store = new FileStore(dir)
    await call((cb) => store.put(publish(1, 'a'), cb))
    expect(
      ((await call<Packet>((cb) => store.del({ messageId: 1 }, cb))) as Packet).messageId
    ).toBe(1)
    expect(new FileStore(dir).size).toBe(0)
    await expect(call((cb) => store.get({ messageId: 1 }, cb))).rejects.toThrow('missing packet')
    await expect(call((cb) => store.del({ messageId: 1 }, cb))).rejects.toThrow('missing packet')
  })

  it('keeps a message id reused right after its release (operations stay in order)', async () => {
    const dir = tempDir()
    const store = new FileStore(dir)
    store.put(publish(3, 'old'), () => undefined)
    store.del({ messageId: 3 }, () => undefined)
    await call((cb) => store.put(publish(3, 'new'), cb))
    const got = await call<Packet>((cb) => new FileStore(dir).get({ messageId: 3 }, cb))
    expect(String((got as { payload: Buffer }).payload)).toBe('new')
  })

  it('drops a write torn by a crash (a .tmp file) and an unreadable file', () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, '4.json.tmp'), '{"cmd":"pub')
    fs.writeFileSync(path.join(dir, '5.json'), 'not json')
    expect(new FileStore(dir).size).toBe(0)
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('clear() forgets everything (the broker started a new session)', async () => {
    const dir = tempDir()
    const store = new FileStore(dir)
    await call((cb) => store.put(publish(1, 'a'), cb))
    await call((cb) => store.put(publish(2, 'b'), cb))
    store.clear()
    await call((cb) => store.close(cb))
    expect(store.size).toBe(0)
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('streams what it holds, as mqtt.js reads a store to resend', async () => {
    const store = new FileStore(tempDir())
    await call((cb) => store.put(publish(1, 'a'), cb))
    await call((cb) => store.put(publish(2, 'b'), cb))
    const ids: number[] = []
    for await (const p of store.createStream()) ids.push((p as Packet).messageId!)
    expect(ids).toEqual([1, 2])
  })
})
