import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decoderSchema, DEFAULT_UNITS } from '../../../../shared/schemas'
import type { Notice } from '../../../../shared/types'
import { loadCatalog } from '../capture-catalog'
import { CaptureStore, type CaptureStoreOptions } from '../capture-store'
import { partFileName, PAYLOAD_WHOLE, type FieldSetDef, type TopicDef } from '../journal-format'
import { readPart, type PartScan } from '../journal-reader'
import { JournalWriter } from '../journal-writer'
import { createDecoder } from '../../decode'

interface Msg {
  t: number
  topic: string
  fields: readonly string[]
  text: string
}

const enc = new TextEncoder()
const T0 = 1_700_000_000_000
const temp: TopicDef = { id: 1, connection: 'lab', topic: 'sensors/bmp280' }
const hum: TopicDef = { id: 2, connection: 'lab', topic: 'sensors/hum' }
const tempSet: FieldSetDef = {
  id: 1,
  topicId: 1,
  names: ['temperature', 'pressure', 'altitude'],
  units: ['°C', 'hPa', 'm']
}
const humSet: FieldSetDef = { id: 2, topicId: 2, names: ['humidity'], units: ['%'] }

let root: string
const stores: CaptureStore[] = []
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-test-'))
})
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close()
  fs.rmSync(root, { recursive: true, force: true })
})

async function openStore(options: Omit<CaptureStoreOptions, 'dir'>): Promise<CaptureStore> {
  const store = await CaptureStore.open({ dir: root, ...options })
  stores.push(store)
  return store
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function payloadFor(i: number): string {
  return `${(20 + (i % 100) / 10).toFixed(2)},${(1000 + i / 100).toFixed(2)},${(i % 50).toFixed(2)}`
}

function append(w: JournalWriter, i: number): Msg {
  const even = i % 2 === 0
  const text = even ? payloadFor(i) : String(40 + (i % 7))
  const bytes = enc.encode(`##${text}##`) // the writer must honour start/end
  w.appendMessage(
    even ? temp : hum,
    even ? tempSet : humSet,
    T0 + i * 10,
    bytes,
    2,
    2 + bytes.length - 4,
    { kind: PAYLOAD_WHOLE, size: bytes.length, bytes }
  )
  return {
    t: T0 + i * 10,
    topic: even ? temp.topic : hum.topic,
    fields: (even ? tempSet : humSet).names,
    text
  }
}

/** Reads a part alone, resolving ids only through the definitions found in that part. */
async function readMessages(
  file: string,
  options: { crc?: number } = {}
): Promise<{ msgs: Msg[]; scan: PartScan & { torn: boolean } }> {
  const topics = new Map<number, TopicDef>()
  const sets = new Map<number, FieldSetDef>()
  const msgs: Msg[] = []
  const scan = await readPart(
    file,
    {
      topic: (d) => topics.set(d.id, d),
      fieldSet: (d) => sets.set(d.id, d),
      message: (t, topicId, setId, buf, start, end) => {
        const topic = topics.get(topicId)
        const set = sets.get(setId)
        if (!topic || !set) throw new Error(`message before its definitions in ${file}`)
        msgs.push({
          t,
          topic: topic.topic,
          fields: set.names,
          text: buf.toString('utf8', start, end)
        })
      }
    },
    options
  )
  return { msgs, scan: { ...scan, torn: scan.damage.tornAt !== null } }
}

/** Writes `n` messages with flushes; returns them and the file offset where the last begins. */
function writePart(dir: string, n: number): { msgs: Msg[]; lastStart: number; size: number } {
  const w = new JournalWriter(dir, 1, { partBytes: 1 << 30 })
  const msgs: Msg[] = []
  for (let i = 0; i < n - 1; i++) msgs.push(append(w, i))
  w.flush()
  const lastStart = w.flushedBytes
  msgs.push(append(w, n - 1))
  w.flush()
  return { msgs, lastStart, size: w.flushedBytes }
}

describe('JournalWriter and readPart', () => {
  it('reads back exactly what was written: t, topic, field set and values text', async () => {
    const { msgs, size } = writePart(root, 500)
    const file = path.join(root, partFileName(1))
    expect(fs.statSync(file).size).toBe(size)
    const { msgs: back, scan } = await readMessages(file)
    expect(back).toEqual(msgs)
    expect(scan).toMatchObject({ messages: 500, torn: false, validBytes: size })
    expect(scan.firstT).toBe(T0)
    expect(scan.lastT).toBe(T0 + 499 * 10)
  })

  it('reads back definitions with names beyond ASCII, long names and empty units as written', async () => {
    const long = `plant/${'x'.repeat(200)}/dev7`
    const topics: TopicDef[] = [
      { id: 1, connection: 'Küche', topic: 'haus/küche/温度/🌡' },
      { id: 2, connection: 'lab', topic: long },
      { id: 3, connection: '', topic: 'a' }
    ]
    const sets: FieldSetDef[] = [
      { id: 1, topicId: 1, names: ['température', 'h'], units: ['°C', ''] },
      { id: 2, topicId: 2, names: ['n'.repeat(100)], units: ['µS/cm'] },
      { id: 3, topicId: 3, names: ['v'], units: [''] }
    ]
    const w = new JournalWriter(root, 1, { partBytes: 1 << 30 })
    const text = enc.encode('1,2')
    sets.forEach((set, i) =>
      w.appendMessage(topics[i], set, T0 + i, text, 0, set.names.length === 2 ? 3 : 1, {
        kind: PAYLOAD_WHOLE,
        size: 0,
        bytes: new Uint8Array(0)
      })
    )
    w.flush()
    const seenTopics: TopicDef[] = []
    const seenSets: FieldSetDef[] = []
    await readPart(path.join(root, partFileName(1)), {
      topic: (d) => seenTopics.push(d),
      fieldSet: (d) => seenSets.push(d),
      message: () => undefined
    })
    expect(seenTopics).toEqual(topics)
    expect(seenSets).toEqual(sets)
  })

  it('loses only the torn last record when the file is cut inside it', async () => {
    const { msgs, lastStart, size } = writePart(root, 50)
    const original = path.join(root, partFileName(1))
    const cuts = [lastStart + 1, lastStart + 4, lastStart + 8, lastStart + 12, size - 1]
    for (const cut of cuts) {
      const file = path.join(root, `cut-${cut}.jnl`)
      fs.copyFileSync(original, file)
      fs.truncateSync(file, cut)
      const { msgs: back, scan } = await readMessages(file)
      expect(scan.torn, `cut at ${cut}`).toBe(true)
      expect(scan.validBytes, `cut at ${cut}`).toBe(lastStart)
      expect(back, `cut at ${cut}`).toEqual(msgs.slice(0, -1))
    }
    // A cut exactly between records is a clean file one message shorter.
    fs.truncateSync(original, lastStart)
    const { msgs: back, scan } = await readMessages(original)
    expect(scan.torn).toBe(false)
    expect(back).toEqual(msgs.slice(0, -1))
  })

  it('detects a flipped byte in the last record body by its checksum', async () => {
    const { msgs, lastStart, size } = writePart(root, 20)
    const file = path.join(root, partFileName(1))
    const data = fs.readFileSync(file)
    data[size - 2] ^= 0x01
    fs.writeFileSync(file, data)
    const { msgs: back, scan } = await readMessages(file)
    expect(scan.torn).toBe(true)
    expect(scan.validBytes).toBe(lastStart)
    expect(back).toEqual(msgs.slice(0, -1))
  })

  it('rolls into several self-contained parts at a small partBytes', async () => {
    const w = new JournalWriter(root, 1, { partBytes: 2048 })
    const msgs: Msg[] = []
    for (let i = 0; i < 400; i++) {
      msgs.push(append(w, i))
      if (i % 10 === 9) w.flush()
    }
    const sealed = w.close()
    const files = fs
      .readdirSync(root)
      .filter((f) => f.endsWith('.jnl'))
      .sort()
    expect(files.length).toBeGreaterThanOrEqual(4)
    expect(sealed.map((p) => p.seq)).toEqual(files.map((_, i) => i + 1))
    const all: Msg[] = []
    for (const [i, name] of files.entries()) {
      const { msgs: part, scan } = await readMessages(path.join(root, name))
      expect(scan.torn).toBe(false)
      expect(part.length).toBe(sealed[i].messages)
      // Each part carries its own definitions for the topics it uses.
      expect(sealed[i].topics.map((t) => t.topic).sort()).toEqual([temp.topic, hum.topic])
      const idx = JSON.parse(fs.readFileSync(path.join(root, name.replace('.jnl', '.idx')), 'utf8'))
      expect(idx.messages).toBe(part.length)
      all.push(...part)
    }
    expect(all).toEqual(msgs)
  })
})

describe('loadCatalog', () => {
  it('repairs and indexes an un-indexed torn part, and a second load agrees', async () => {
    const dir = path.join(root, 'capture-a')
    const { msgs, lastStart } = writePart(dir, 30)
    const file = path.join(dir, partFileName(1))
    fs.truncateSync(file, lastStart + 5)
    const warnings: string[] = []
    const [capture] = await loadCatalog(root, (m) => warnings.push(m))
    expect(warnings.join('\n')).toMatch(/cut off/)
    expect(capture.parts).toHaveLength(1)
    expect(capture.parts[0]).toMatchObject({ messages: 29, bytes: lastStart, lastT: msgs[28].t })
    expect(fs.statSync(file).size).toBe(lastStart)
    expect(fs.existsSync(file.replace('.jnl', '.idx'))).toBe(true)
    expect(capture.meta.endedAt).toBe(msgs[28].t)

    const again: string[] = []
    const [second] = await loadCatalog(root, (m) => again.push(m))
    expect(again).toEqual([])
    expect(second.parts[0].messages).toBe(29)
    expect(second.parts[0].bytes).toBe(lastStart)
    const { msgs: back, scan } = await readMessages(file)
    expect(scan.torn).toBe(false)
    expect(back).toEqual(msgs.slice(0, 29))
  })
})

describe('CaptureStore', () => {
  const csv = () => createDecoder(decoderSchema.parse({ format: 'csv' }))
  const unitFor = (f: string) => DEFAULT_UNITS[f] ?? ''

  function feed(store: CaptureStore, from: number, to: number, topic = 'sensors/bmp280'): void {
    const entry = store.topicFor('lab', topic, unitFor)
    const decoder = csv()
    for (let i = from; i < to; i++) {
      const payload = enc.encode(payloadFor(i))
      const out = decoder.decode(payload, T0 + i * 10)
      if (!out.ok) throw new Error(out.error)
      out.rows.forEach((row, k) => store.append(entry, row, k === 0 ? payload : null))
    }
  }

  it('drops whole oldest parts beyond retentionBytes and says so', async () => {
    const notices: Notice[] = []
    const store = await openStore({
      partBytes: 4096,
      retentionBytes: 16_384,
      flushMs: 5,
      notice: (n) => notices.push(n)
    })
    // ~100 messages of ~50 bytes fill more than one part; the timer seals it.
    for (let round = 0; round < 12; round++) {
      feed(store, round * 100, round * 100 + 100)
      await sleep(40)
    }
    await store.close()
    const dir = path.join(root, fs.readdirSync(root)[0])
    const parts = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.jnl'))
      .sort()
    expect(parts[0]).not.toBe(partFileName(1))
    const bytes = parts.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0)
    expect(bytes).toBeLessThanOrEqual(16_384 + 2 * 8192)
    expect(notices.some((n) => /Dropped .* oldest/.test(n.message))).toBe(true)
    for (const f of parts) {
      const { scan } = await readMessages(path.join(dir, f))
      expect(scan.torn).toBe(false)
      expect(scan.messages).toBeGreaterThan(0)
    }
  })

  it('lists each message once after the flush timer sealed parts and the capture ended', async () => {
    const store = await openStore({ partBytes: 4096, flushMs: 5 })
    for (let round = 0; round < 5; round++) {
      feed(store, round * 200, round * 200 + 200)
      await sleep(40)
    }
    await store.close()
    expect(store.list()[0].messages).toBe(1000)
    expect(store.parts().reduce((n, p) => n + p.index.messages, 0)).toBe(1000)
  })

  it('offers only parts still on disk for export after retention and the capture ended', async () => {
    const store = await openStore({
      partBytes: 4096,
      retentionBytes: 16_384,
      flushMs: 5
    })
    for (let round = 0; round < 10; round++) {
      feed(store, round * 100, round * 100 + 100)
      await sleep(40)
    }
    store.startCapture() // ends the first capture
    const missing = store.parts().filter((p) => !fs.existsSync(p.file))
    expect(missing.map((p) => path.basename(p.file))).toEqual([])
  })

  it('lists every message and offers every part for export when a flush seals a part', async () => {
    const store = await openStore({ partBytes: 4096, flushMs: 60_000 })
    feed(store, 0, 200)
    store.flush() // > 4096 bytes: this flush seals part 1
    feed(store, 200, 210)
    store.flush()
    expect(store.list()[0].messages).toBe(210)
    expect(store.parts().reduce((n, p) => n + p.index.messages, 0)).toBe(210)
  })

  it('keeps what was appended when the capture closes before any flush timer fired', async () => {
    const first = await openStore({ flushMs: 60_000 })
    feed(first, 0, 250)
    await first.close()
    const second = await openStore({ flushMs: 60_000 })
    expect(second.list().map((c) => c.messages)).toEqual([250])
    const parts = second.parts()
    expect(parts.length).toBe(1)
    expect(fs.existsSync(parts[0].file)).toBe(true)
  })

  it('restores message counts and refills the in-memory rings when reopened', async () => {
    const first = await openStore({ flushMs: 10 })
    feed(first, 0, 300)
    feed(first, 300, 400, 'sensors/other')
    first.flush()
    const before = first.snapshot()
    const listed = first.list()
    await first.close()
    expect(listed[0].messages).toBe(400)

    const second = await openStore({ flushMs: 10 })
    expect(second.list().map((c) => c.messages)).toEqual([400])
    const after = second.snapshot()
    const key = (d: { topic: string; field: string; unit: string }) =>
      `${d.topic}|${d.field}|${d.unit}`
    expect(after.defs.map(key).sort()).toEqual(before.defs.map(key).sort())
    for (const def of before.defs) {
      const old = before.series.find((s) => s.id === def.id)!
      const match = after.defs.find((d) => key(d) === key(def))!
      const now = after.series.find((s) => s.id === match.id)!
      expect(now.t).toEqual(old.t)
      expect(now.v).toEqual(old.v)
    }
    const pressure = after.defs.find((d) => d.topic === 'sensors/bmp280' && d.field === 'pressure')!
    const series = after.series.find((s) => s.id === pressure.id)!
    expect(series.t.length).toBe(300)
    expect(series.v[299]).toBe(1002.99)
  })
})
