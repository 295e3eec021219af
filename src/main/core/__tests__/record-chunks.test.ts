import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  MESSAGE_TEXT_OFFSET,
  partFileName,
  RECORD_HEADER,
  TYPE_MESSAGE,
  type FieldSetDef,
  type TopicDef
} from '../capture/journal-format'
import { JournalWriter } from '../capture/journal-writer'
import { PORCH, RecordChunks, type RecordScan } from '../capture/record-chunks'
import { FormatKernel } from '../export/wasm/format-kernel'

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
    w.appendMessage(topic, set, 1_700_000_000_000 + i, bytes, 0, bytes.length)
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

/** The two walks over a read: JavaScript in a plain buffer, WebAssembly in kernel memory. */
function homes(sizes: Sizes): { home: Buffer; scan?: RecordScan }[] {
  const kernel = FormatKernel.create(sizes.porch + sizes.chunk + 1024)
  if (!kernel) throw new Error('WebAssembly is missing')
  return [
    { home: Buffer.alloc(sizes.porch + sizes.chunk) },
    {
      home: kernel.region(sizes.porch + sizes.chunk),
      scan: (buf, p, end, max) => kernel.scanRecords(buf, p, end, max)
    }
  ]
}

describe('RecordChunks', () => {
  it('yields every record once and whole, whatever the read size, growing for a huge one', () => {
    const sent = texts(2000)
    const file = writePart(sent)
    for (const sizes of [
      { porch: 256, chunk: 100 },
      { porch: 1024, chunk: 4096 },
      { porch: PORCH, chunk: 256 * 1024 }
    ])
      for (const { home, scan } of homes(sizes)) {
        const { texts: got, inHome } = readAll(
          new RecordChunks(file, undefined, home, sizes, scan),
          home
        )
        expect(got).toEqual(sent)
        // The 5,000-byte record needs a larger buffer when the porch is smaller; the rest is
        // read into the buffer given (e.g. WebAssembly memory) again.
        const big = got.findIndex((t) => t.length === 5000)
        if (sizes.porch < 5000) expect(inHome[big]).toBe(0)
        expect(inHome.at(-1)).toBe(1)
        expect(inHome.filter((h) => h === 1).length).toBeGreaterThan(1900)
      }
  })

  it('reports the bytes consumed, reaching the file size at the end', () => {
    const file = writePart(texts(500))
    const reader = new RecordChunks(file, undefined, undefined, { porch: 256, chunk: 100 })
    let last = 0
    for (let c = reader.next(); c; c = reader.next()) {
      expect(c.consumed).toBeGreaterThan(last)
      last = c.consumed
    }
    reader.close()
    expect(last).toBe(fs.statSync(file).size)
  })

  it('stops before a torn last record and at a limit', () => {
    const sent = texts(300)
    const file = writePart(sent)
    const size = fs.statSync(file).size
    fs.truncateSync(file, size - 2) // the last record loses its last bytes
    const sizes = { porch: 256, chunk: 100 }
    // A limit one byte short of the second-to-last record's end: as if the file ended there.
    const lastRecord = RECORD_HEADER + MESSAGE_TEXT_OFFSET + sent[299].length
    const limit = size - lastRecord - 1
    for (const { home, scan } of homes(sizes)) {
      expect(readAll(new RecordChunks(file, undefined, home, sizes, scan)).texts).toEqual(
        sent.slice(0, -1)
      )
      expect(readAll(new RecordChunks(file, limit, home, sizes, scan)).texts).toEqual(
        sent.slice(0, -2)
      )
    }
  })

  it('stops at an impossible record length, keeping everything before it', () => {
    const sent = texts(300)
    sent[100] = 'the record to corrupt'
    const file = writePart(sent)
    const data = fs.readFileSync(file)
    // Find the record of message 100 and zero its length field.
    const marker = Buffer.from(sent[100])
    const at = data.indexOf(marker) - MESSAGE_TEXT_OFFSET - RECORD_HEADER
    data.writeUInt32LE(0, at)
    fs.writeFileSync(file, data)
    for (const sizes of [
      { porch: 256, chunk: 100 },
      { porch: PORCH, chunk: 256 * 1024 }
    ])
      for (const { home, scan } of homes(sizes))
        expect(readAll(new RecordChunks(file, undefined, home, sizes, scan)).texts).toEqual(
          sent.slice(0, 100)
        )
  })
})
