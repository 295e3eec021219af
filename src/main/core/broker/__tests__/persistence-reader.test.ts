import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { beforeAll, expect, it } from 'vitest'
import { describeWithMosquitto } from '../../../../../test-support/vitest-suites'
import {
  EXPIRY_SECONDS,
  runQueueScenario,
  saveNow,
  type QueueScenario
} from '../../../../../test-support/queue-scenario'
import { CHUNK, MSG_STATE_QUEUED } from '../persistence-format'
import { PersistenceFileError, readPersistenceFile } from '../persistence-file'
import { BufferSource, parsePersistence, type PersistenceContents } from '../persistence-reader'

const parse = (bytes: Uint8Array): Promise<PersistenceContents> =>
  parsePersistence(new BufferSource(bytes))

/** Byte offsets where each chunk ends, walking the 8-byte headers after the 23-byte file header. */
function chunkEnds(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const ends: number[] = []
  for (let at = 23; at < bytes.length;) {
    at += 8 + view.getUint32(at + 4)
    ends.push(at)
  }
  return ends
}

function chunkHeader(type: number, length: number): Uint8Array {
  const header = new Uint8Array(8)
  new DataView(header.buffer).setUint32(0, type)
  new DataView(header.buffer).setUint32(4, length)
  return header
}

const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts))

const BROKER = {
  anonymous: true,
  password: false,
  persistence: true,
  autosaveInterval: 3600,
  maxQueuedMessages: 5
}

describeWithMosquitto('reading a Mosquitto 2.0 persistence file', BROKER, (broker) => {
  let scenario: QueueScenario
  let bytes: Uint8Array
  let savedAtSeconds: number

  beforeAll(async () => {
    scenario = await runQueueScenario(broker, 'parse', 0)
    await broker.publish('plant/info', 'retained note', { qos: 1, retain: true })
    await saveNow(broker)
    bytes = new Uint8Array(fs.readFileSync(broker.persistenceFile))
    savedAtSeconds = fs.statSync(broker.persistenceFile).mtimeMs / 1000
  })

  it('reads the sessions, queued messages, subscriptions and retained messages it wrote', async () => {
    const db = await parse(bytes)
    expect(db.problem).toBeNull()
    expect(db.version).toBe(6)
    expect(db.chunks).toBe(chunkEnds(bytes).length)

    const v5 = db.sessions.get(scenario.v5)!
    expect(v5.sessionExpiryInterval).toBe(EXPIRY_SECONDS)
    // Set when the client disconnected: an hour after that.
    expect(Math.abs(v5.sessionExpiryTime - (savedAtSeconds + EXPIRY_SECONDS))).toBeLessThan(60)
    const v311 = db.sessions.get(scenario.v311)!
    expect(v311.sessionExpiryInterval).toBe(0xffffffff)
    expect(v311.sessionExpiryTime).toBe(0)

    const held = (id: string) => db.clientMessages.filter((m) => m.clientId === id)
    expect(held(scenario.v5)).toHaveLength(scenario.expected.v5.total)
    expect(held(scenario.v311)).toHaveLength(scenario.expected.v311.total)
    for (const m of db.clientMessages) {
      expect(m).toMatchObject({ direction: 1, qos: 1, state: MSG_STATE_QUEUED })
      expect(db.stored.has(m.storeId)).toBe(true)
    }
    const topics = held(scenario.v311).map((m) => db.stored.get(m.storeId)!.topic)
    expect(topics.sort()).toEqual([
      'plant/a/temp',
      'plant/a/temp',
      'plant/b/hum',
      'plant/b/temp',
      'plant/c/temp'
    ])
    const stored = [...db.stored.values()]
    const first = stored.find((m) => m.topic === 'plant/a/temp')!
    expect(first.source).toBe(scenario.publisherA)
    expect(Math.abs(first.expiryTime - (savedAtSeconds + EXPIRY_SECONDS))).toBeLessThan(60)
    expect(stored.find((m) => m.topic === 'plant/c/temp')!).toMatchObject({
      source: scenario.publisherB,
      expiryTime: 0
    })
    expect(db.subscriptions).toBe(2)
    expect(db.retained).toBe(1)
  })

  it('a file cut short anywhere says so and keeps every chunk before the cut', async () => {
    const ends = new Set(chunkEnds(bytes))
    let previous = 0
    for (let cut = 0; cut < bytes.length; cut++) {
      const db = await parse(bytes.subarray(0, cut))
      if (cut === 23 || ends.has(cut)) {
        // A cut between chunks leaves a shorter, valid file.
        expect(db.problem).toBeNull()
      } else {
        expect(db.problem, `cut at ${cut}`).toMatch(/empty|cut short/)
      }
      expect(db.chunks).toBeGreaterThanOrEqual(previous)
      previous = db.chunks
    }
  })

  it('a flipped byte anywhere gives a result or a plain message, never a crash', async () => {
    const copy = bytes.slice()
    let damaged = 0
    for (let at = 0; at < copy.length; at++) {
      copy[at] ^= 0xff
      const db = await parse(copy)
      copy[at] ^= 0xff
      if (db.problem) {
        damaged++
        expect(db.problem).toMatch(/^(This|The file|Chunk \d+)/)
      }
    }
    // Every header and length byte is checked: most flips are caught.
    expect(damaged).toBeGreaterThan(copy.length / 4)
  })

  it('another format version is refused in plain words', async () => {
    const copy = bytes.slice()
    new DataView(copy.buffer).setUint32(19, 5)
    const db = await parse(copy)
    expect(db.problem).toBe(
      'This persistence file has format version 5; this reader knows version 6 (Mosquitto 2.0).'
    )
    expect(db.chunks).toBe(0)
  })

  it('a zero-length chunk is damage, and the rows before it are kept', async () => {
    const ends = chunkEnds(bytes)
    // After the message store and the first session with its messages.
    const cutAt = ends.findIndex((end, i) => i > 0 && bytes[ends[i - 1] + 3] === CHUNK.SUB)
    const keep = ends[cutAt - 1]
    const damaged = concat(
      bytes.subarray(0, keep),
      chunkHeader(CHUNK.CLIENT_MSG, 0),
      bytes.subarray(keep)
    )
    const db = await parse(damaged)
    expect(db.problem).toMatch(
      new RegExp(`^Chunk ${cutAt + 1} \\(CLIENT_MSG, byte ${keep}\\) is damaged: 0 bytes`)
    )
    expect(db.chunks).toBe(cutAt)
    expect(db.clientMessages).toHaveLength(
      scenario.expected.v5.total + scenario.expected.v311.total
    )
    for (const type of [CHUNK.CFG, CHUNK.MSG_STORE, CHUNK.RETAIN, CHUNK.SUB, CHUNK.CLIENT]) {
      const zero = await parse(concat(bytes, chunkHeader(type, 0)))
      expect(zero.problem).toMatch(/is damaged: 0 bytes, shorter than its \d+-byte fixed part/)
    }
  })

  it('a chunk claiming 4 GB is refused without reading or allocating it', async () => {
    const claim = concat(bytes, chunkHeader(CHUNK.MSG_STORE, 0xfffffff0), new Uint8Array(64))
    const file = path.join(broker.dir, 'claims-4gb.db')
    fs.writeFileSync(file, claim)
    const before = process.memoryUsage().arrayBuffers
    const read = await readPersistenceFile(file)
    const grown = process.memoryUsage().arrayBuffers - before
    expect(read.contents.problem).toBe(
      `Chunk ${chunkEnds(bytes).length + 1} (MSG_STORE, byte ${bytes.length}) claims 4294967280 bytes but only 64 remain: the file was cut short or is damaged.`
    )
    expect(grown).toBeLessThan(64 * 1024 * 1024)
    expect(read.contents.clientMessages.length).toBe(
      scenario.expected.v5.total + scenario.expected.v311.total
    )
  })

  it('an unknown chunk type, a file that is not the broker’s, and an empty file get plain words', async () => {
    expect((await parse(concat(bytes, chunkHeader(9, 4), new Uint8Array(4)))).problem).toMatch(
      /has an unknown type 9: the file is damaged from there on/
    )
    expect(
      (await parse(new TextEncoder().encode('root:x:0:0:root:/root:/bin/bash\n'))).problem
    ).toBe('This is not a Mosquitto persistence file (it does not start with "mosquitto db").')
    expect((await parse(new Uint8Array(0))).problem).toBe(
      'The file is empty: the broker has not saved anything to it yet.'
    )
  })

  it('reads through a private copy it deletes, and never changes the file', async () => {
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qshape-copy-'))
    const before = fs.statSync(broker.persistenceFile)
    const read = await readPersistenceFile(broker.persistenceFile, { tmpDir })
    expect(read.contents.problem).toBeNull()
    expect(read.savedAt).toBe(before.mtimeMs)
    expect(read.sizeBytes).toBe(before.size)
    expect(fs.readdirSync(tmpDir)).toEqual([])
    const after = fs.statSync(broker.persistenceFile)
    expect([after.mtimeMs, after.size, after.ino]).toEqual([
      before.mtimeMs,
      before.size,
      before.ino
    ])
    expect(new Uint8Array(fs.readFileSync(broker.persistenceFile))).toEqual(bytes)
    fs.rmSync(tmpDir, { recursive: true })
  })

  it('a missing file or a folder is a plain error', async () => {
    const missing = path.join(broker.dir, 'nope.db')
    await expect(readPersistenceFile(missing)).rejects.toThrow(
      new PersistenceFileError(`Cannot read ${missing}: there is no such file.`)
    )
    await expect(readPersistenceFile(broker.dir)).rejects.toThrow(/it is a folder, not a file/)
  })
})
