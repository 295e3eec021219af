import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  MESSAGE_TEXT_OFFSET,
  partFileName,
  PAYLOAD_IS_TEXT,
  RECORD_HEADER,
  TYPE_MESSAGE,
  type FieldSetDef,
  type TopicDef
} from '../journal-format'
import { partCrc } from '../journal-reader'
import { JournalWriter } from '../journal-writer'
import { PORCH, RecordChunks } from '../record-chunks'
import { KernelFormatter } from '../../export/wasm/format-kernel'

const topic: TopicDef = { id: 1, connection: 'lab', topic: 'sensors/x' }
const set: FieldSetDef = { id: 1, topicId: 1, names: ['v'], units: [''] }
const enc = new TextEncoder()

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'record-chunks-'))
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

/** Short messages of varied length, with one of 5,000 bytes in the middle. */
function texts(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    i === Math.floor(n / 2) ? 'x'.repeat(5000) : String(i).repeat(1 + (i % 9))
  )
}

function writePart(messages: string[]): string {
  const w = new JournalWriter(dir, 1, { partBytes: 1 << 30 })
  messages.forEach((text, i) => {
    const bytes = enc.encode(text)
    w.appendMessage(topic, set, 1_700_000_000_000 + i, bytes, 0, bytes.length, {
      kind: PAYLOAD_IS_TEXT,
      size: bytes.length,
      bytes: new Uint8Array(0)
    })
  })
  w.flush()
  return path.join(dir, partFileName(1))
}

/** Every message text the reader yields, checking each run holds whole records only. */
function readAll(reader: RecordChunks, home?: Buffer): { texts: string[]; inHome: number[] } {
  const out: string[] = []
  const inHome: number[] = []
  try {
    for (let c = reader.next(); c; c = reader.next()) {
      let p = c.start
      while (p < c.end) {
        const length = c.view.getUint32(p, true)
        const body = p + RECORD_HEADER
        expect(body + length).toBeLessThanOrEqual(c.end)
        if (c.buf[body] === TYPE_MESSAGE) {
          out.push(c.buf.toString('utf8', body + MESSAGE_TEXT_OFFSET, body + length))
          inHome.push(c.buf === home ? 1 : 0)
        }
        p = body + length
      }
      expect(p).toBe(c.end)
    }
  } finally {
    reader.close()
  }
  return { texts: out, inHome }
}

type Sizes = { porch: number; chunk: number }

/** The two places a read goes: a plain buffer, and the export kernel's memory. */
function homes(sizes: Sizes): { home: Buffer }[] {
  const kernel = KernelFormatter.create(
    {
      format: 'wide',
      withConnection: false,
      columns: new Map(),
      ncols: 0,
      fromMs: -Infinity,
      toMs: Infinity,
      topics: null
    },
    1024
  )
  if (!kernel) throw new Error('WebAssembly is missing')
  return [
    { home: Buffer.alloc(sizes.porch + sizes.chunk) },
    { home: kernel.readBuffer.subarray(0, sizes.porch + sizes.chunk) }
  ]
}

const crcOf = (file: string, limit?: number): number => partCrc(file, limit)

describe('RecordChunks', () => {
  it('yields every record once and whole, whatever the read size, growing for a huge one', () => {
    const sent = texts(2000)
    const file = writePart(sent)
    for (const sizes of [
      { porch: 256, chunk: 100 },
      { porch: 1024, chunk: 4096 },
      { porch: PORCH, chunk: 256 * 1024 }
    ])
      for (const { home } of homes(sizes))
        for (const crc of [crcOf(file), undefined]) {
          const reader = new RecordChunks(file, { crc, buffer: home, sizes })
          const { texts: got, inHome } = readAll(reader, home)
          expect(got).toEqual(sent)
          if (crc !== undefined) expect(reader.intact).toBe(true)
          else expect(reader.damage).toEqual({ regions: 0, bytes: 0, tornAt: null })
          // The 5,000-byte record needs a larger buffer when the porch is smaller; the rest is
          // read into the buffer given (e.g. WebAssembly memory) again.
          const big = got.findIndex((t) => t.length === 5000)
          if (sizes.porch < 5000) expect(inHome[big]).toBe(0)
          expect(inHome.at(-1)).toBe(1)
          expect(inHome.filter((h) => h === 1).length).toBeGreaterThan(1500)
        }
  })

  it('reports the bytes consumed, reaching the file size at the end', () => {
    const file = writePart(texts(500))
    const reader = new RecordChunks(file, { sizes: { porch: 256, chunk: 100 } })
    let last = 0
    for (let c = reader.next(); c; c = reader.next()) {
      expect(c.consumed).toBeGreaterThan(last)
      last = c.consumed
    }
    reader.close()
    expect(last).toBe(fs.statSync(file).size)
  })

  it('checked: skips a torn last record and says where it begins; stops at a limit', () => {
    const sent = texts(300)
    const file = writePart(sent)
    const size = fs.statSync(file).size
    const lastRecord = RECORD_HEADER + MESSAGE_TEXT_OFFSET + sent[299].length
    fs.truncateSync(file, size - 2) // the last record loses its last bytes
    const sizes = { porch: 256, chunk: 100 }
    // A limit one byte short of the second-to-last record's end: as if the file ended there.
    const secondLast = RECORD_HEADER + MESSAGE_TEXT_OFFSET + sent[298].length
    const limit = size - lastRecord - 1
    for (const { home } of homes(sizes)) {
      const torn = new RecordChunks(file, { buffer: home, sizes })
      expect(readAll(torn).texts).toEqual(sent.slice(0, -1))
      expect(torn.damage).toEqual({ regions: 0, bytes: 0, tornAt: size - lastRecord })
      const limited = new RecordChunks(file, { limit, buffer: home, sizes })
      expect(readAll(limited).texts).toEqual(sent.slice(0, -2))
      expect(limited.damage.tornAt).toBe(size - lastRecord - secondLast)
    }
  })

  it('checked: skips a record with an impossible length and keeps everything after it', () => {
    const sent = texts(300)
    sent[100] = 'the record to corrupt'
    const file = writePart(sent)
    const data = fs.readFileSync(file)
    const marker = Buffer.from(sent[100])
    const at = data.indexOf(marker) - MESSAGE_TEXT_OFFSET - RECORD_HEADER
    data.writeUInt32LE(0, at)
    fs.writeFileSync(file, data)
    const recordBytes = RECORD_HEADER + MESSAGE_TEXT_OFFSET + marker.length
    for (const sizes of [
      { porch: 256, chunk: 100 },
      { porch: PORCH, chunk: 256 * 1024 }
    ])
      for (const { home } of homes(sizes)) {
        const checked = new RecordChunks(file, { buffer: home, sizes })
        expect(readAll(checked).texts).toEqual([...sent.slice(0, 100), ...sent.slice(101)])
        expect(checked.damage).toEqual({ regions: 1, bytes: recordBytes, tornAt: null })
        // Told the part's CRC from before the damage: it stops there and says it is not intact.
        const unchecked = new RecordChunks(file, {
          crc: 0x12345678,
          buffer: home,
          sizes
        })
        expect(readAll(unchecked).texts).toEqual(sent.slice(0, 100))
        expect(unchecked.intact).toBe(false)
      }
  })

  it('checked: 64 damaged bytes in the middle cost only the records they touch', () => {
    const sent = Array.from({ length: 12_000 }, (_, i) => `${i},${i * 2},${i % 7}`)
    const file = writePart(sent)
    const data = fs.readFileSync(file)
    const from = data.indexOf(Buffer.from(sent[1997])) // damage starts inside message 1997
    for (let i = 0; i < 64; i++) data[from + i] = (i * 37 + 11) & 0xff
    fs.writeFileSync(file, data)
    const reader = new RecordChunks(file, { sizes: { porch: 4096, chunk: 1000 } })
    const got = readAll(reader).texts
    const lost = sent.filter((t) => !got.includes(t))
    expect(lost.length).toBeGreaterThan(0)
    expect(lost.length).toBeLessThanOrEqual(4)
    expect(got).toEqual(sent.filter((t) => !lost.includes(t)))
    expect(got.length).toBeGreaterThan(10_002)
    expect(reader.damage.regions).toBe(1)
    expect(reader.damage.tornAt).toBeNull()
  })

  it('unchecked: a flipped byte anywhere makes the part not intact', () => {
    const sent = texts(500)
    const file = writePart(sent)
    const crc = crcOf(file)
    const data = fs.readFileSync(file)
    data[data.indexOf(Buffer.from(sent[250])) + 1] ^= 0x04
    fs.writeFileSync(file, data)
    const reader = new RecordChunks(file, { crc })
    expect(readAll(reader).texts).toHaveLength(500) // handed out, but flagged
    expect(reader.intact).toBe(false)
    const checked = new RecordChunks(file)
    expect(readAll(checked).texts).toEqual([...sent.slice(0, 250), ...sent.slice(251)])
  })
})
