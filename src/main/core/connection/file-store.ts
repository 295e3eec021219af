import * as fs from 'node:fs'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import type { IStore, Packet } from 'mqtt'

type Done = (error?: Error) => void
type PacketDone = (error?: Error, packet?: Packet) => void

/** Buffers inside a packet (payload, MQTT 5 correlation data) survive JSON as base64. */
function encode(packet: Packet): string {
  return JSON.stringify(packet, (_key, value: unknown) =>
    value && (value as { type?: unknown }).type === 'Buffer' && 'data' in (value as object)
      ? { $buffer: Buffer.from((value as { data: number[] }).data).toString('base64') }
      : value
  )
}

function decode(text: string): Packet {
  return JSON.parse(text, (_key, value: unknown) =>
    value && typeof (value as { $buffer?: unknown }).$buffer === 'string'
      ? Buffer.from((value as { $buffer: string }).$buffer, 'base64')
      : value
  ) as Packet
}

/**
 * An mqtt.js in-flight store mirrored to one file per message in `dir`, so that a QoS 2
 * message the broker has not yet released (PUBREL) survives the app quitting or crashing.
 * mqtt.js sends PUBREC only after put() calls back, and put() calls back only once the file is
 * written and synced: the broker never hears "received" for a message that is not on disk.
 */
export class FileStore implements IStore {
  private readonly packets = new Map<number, Packet>()
  // One operation at a time, in call order: a message id reused after del() must not have its
  // new file unlinked by the old del.
  private queue: Promise<void> = Promise.resolve()

  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true })
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name)
      // A .tmp left by a crash mid-write was never acknowledged to the broker: drop it.
      if (name.endsWith('.tmp')) fs.rmSync(file, { force: true })
      if (!/^\d+\.json$/.test(name)) continue
      try {
        const packet = decode(fs.readFileSync(file, 'utf8'))
        if (packet.messageId !== undefined) this.packets.set(packet.messageId, packet)
      } catch {
        fs.rmSync(file, { force: true })
      }
    }
  }

  /** Messages held. */
  get size(): number {
    return this.packets.size
  }

  put(packet: Packet, cb: Done): this {
    const id = packet.messageId
    if (id === undefined) {
      cb?.()
      return this
    }
    this.packets.set(id, packet)
    this.run(async () => {
      const file = this.file(id)
      const tmp = `${file}.tmp`
      const handle = await fs.promises.open(tmp, 'w')
      try {
        await handle.writeFile(encode(packet))
        await handle.sync()
      } finally {
        await handle.close()
      }
      await fs.promises.rename(tmp, file)
    }, cb)
    return this
  }

  get(packet: Pick<Packet, 'messageId'>, cb: PacketDone): this {
    const stored = packet.messageId === undefined ? undefined : this.packets.get(packet.messageId)
    if (stored) cb(undefined, stored)
    else cb?.(new Error('missing packet'))
    return this
  }

  del(packet: Pick<Packet, 'messageId'>, cb: PacketDone): this {
    const id = packet.messageId
    const found = id === undefined ? undefined : this.packets.get(id)
    if (id === undefined || !found) {
      cb?.(new Error('missing packet'))
      return this
    }
    this.packets.delete(id)
    this.run(
      () => fs.promises.rm(this.file(id), { force: true }),
      (error) => cb?.(error, found)
    )
    return this
  }

  createStream(): ReturnType<IStore['createStream']> {
    // mqtt.js types its streams as readable-stream's; node's object-mode Readable reads the same.
    return Readable.from([...this.packets.values()]) as unknown as ReturnType<
      IStore['createStream']
    >
  }

  /** Forgets every message: the broker started a new session, so none of them will be released. */
  clear(): void {
    for (const id of [...this.packets.keys()]) this.del({ messageId: id }, () => undefined)
  }

  close(cb: Done): void {
    // The files stay: they are the point. Wait for pending writes so nothing is half done.
    this.run(async () => undefined, cb)
  }

  private file(messageId: number): string {
    return path.join(this.dir, `${messageId}.json`)
  }

  private run(op: () => Promise<void>, cb: Done | undefined): void {
    const next = this.queue.then(op)
    this.queue = next.catch(() => undefined)
    next.then(
      () => cb?.(),
      (error: unknown) => cb?.(error as Error)
    )
  }
}
