// Every message's payload is kept in the journal next to its values: once when it is the
// values text, once per message when it gives several rows, truncated (and saying so) past
// the limit, and also when it does not decode, so the export can show it.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { csvParse } from 'd3-dsv'
import { newProfile } from '../../../../shared/defaults'
import { decoderSchema } from '../../../../shared/schemas'
import { exportCsv } from '../../export/csv-exporter'
import { Ingest } from '../../ingest'
import { CaptureStore } from '../capture-store'
import {
  MESSAGE_V1_TEXT_OFFSET,
  messagePayload,
  PAYLOAD_IS_TEXT,
  PAYLOAD_PREVIOUS,
  PAYLOAD_TRUNCATED,
  PAYLOAD_WHOLE,
  RECORD_HEADER
} from '../journal-format'
import { readPart } from '../journal-reader'

const enc = new TextEncoder()
let dir: string
let store: CaptureStore
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'payloads-'))
  store = await CaptureStore.open({ dir, flushMs: 60_000, payloadBytes: 64 })
})
afterEach(async () => {
  await store.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function ingestFor(format: 'csv' | 'json' | 'auto'): Ingest {
  return new Ingest(
    newProfile('p', {
      name: 'Lab',
      topics: [{ filter: '#', qos: 0, decoder: decoderSchema.parse({ format }) }]
    }),
    store
  )
}

/** Every message record of the capture: its values text and what it kept of its payload. */
async function records() {
  const out: { text: string; kind: number; size: number; bytes: Buffer; bodyBytes: number }[] = []
  for (const part of store.parts()) {
    await readPart(part.file, {
      message: (_t, _topic, _set, buf, s, e, body, end) => {
        const kept = messagePayload(buf, body, end)!
        out.push({
          text: buf.toString('utf8', s, e),
          kind: kept.kind,
          size: kept.size,
          bytes: Buffer.from(buf.subarray(kept.start, kept.end)),
          bodyBytes: end - body
        })
      }
    })
  }
  return out
}

async function exportRows(payload: boolean) {
  const target = path.join(dir, 'out.csv')
  await exportCsv(store.parts(), target, { format: 'wide', payload })
  return csvParse(fs.readFileSync(target, 'utf8').slice(1))
}

describe('payloads in the journal', () => {
  it('keeps the reference CSV payload once: it is the values text', async () => {
    ingestFor('csv').handle('esp32.out', enc.encode('22.31,1013.25,76.12'))
    const [r] = await records()
    expect(r).toMatchObject({ text: '22.31,1013.25,76.12', kind: PAYLOAD_IS_TEXT, size: 19 })
    // At most twice what the first release wrote for the same message (the benchmark prints it).
    const v1 = RECORD_HEADER + MESSAGE_V1_TEXT_OFFSET + 19
    expect(RECORD_HEADER + r.bodyBytes).toBeLessThanOrEqual(2 * v1)
  })

  it('keeps a JSON array payload once, on the first of its rows', async () => {
    const payload = '[{"ts":1586815920,"temp":22.3},{"ts":1586815921,"temp":22.4}]'
    ingestFor('json').handle('esp32b.out', enc.encode(payload))
    const rows = await records()
    expect(rows.map((r) => [r.text, r.kind])).toEqual([
      ['22.3', PAYLOAD_WHOLE],
      ['22.4', PAYLOAD_PREVIOUS]
    ])
    expect(rows[0].bytes.toString()).toBe(payload)
  })

  it('keeps a payload that does not decode, and exports it as text or base64', async () => {
    const ingest = ingestFor('auto')
    ingest.handle('status', enc.encode('warn'))
    ingest.handle('struct', Uint8Array.from([0, 0, 0xc0, 0x3f, 0xff, 0x00]))
    ingest.handle('value', enc.encode('21.5'))
    const rows = await exportRows(true)
    expect(rows.map((r) => [r.topic, r.value, r.payload, r.payload_encoding])).toEqual([
      ['status', '', 'warn', 'text'],
      ['struct', '', Buffer.from([0, 0, 0xc0, 0x3f, 0xff, 0]).toString('base64'), 'base64'],
      ['value', '21.5', '21.5', 'text']
    ])
    // Without the payload column, only messages with values are rows.
    expect((await exportRows(false)).map((r) => r.topic)).toEqual(['value'])
  })

  it('keeps the first bytes of a payload over the limit and says how large it was', async () => {
    const big = 'x'.repeat(100)
    ingestFor('auto').handle('big', enc.encode(big))
    const [r] = await records()
    expect(r).toMatchObject({ kind: PAYLOAD_TRUNCATED, size: 100 })
    expect(r.bytes.toString()).toBe('x'.repeat(64))
    const [row] = await exportRows(true)
    expect(row.payload).toBe('x'.repeat(64))
    expect(row.payload_encoding).toBe('text (first 64 of 100 bytes)')
  })

  it('gives the newest kept messages of a topic after a restart, oldest first', async () => {
    const ingest = ingestFor('auto')
    for (let i = 0; i < 30; i++) {
      ingest.handle('a', enc.encode(`${i}.5,1,2`))
      if (i % 3 === 0) ingest.handle('b', Uint8Array.from([i, 255]))
    }
    await store.close()
    store = await CaptureStore.open({ dir, flushMs: 60_000, payloadBytes: 64 })
    const a = await store.recentMessages('Lab', 'a', 5)
    expect(a.map((m) => Buffer.from(m.payload).toString())).toEqual(
      [25, 26, 27, 28, 29].map((i) => `${i}.5,1,2`)
    )
    const b = await store.recentMessages('Lab', 'b', 100)
    expect(b.map((m) => m.payload[0])).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27])
    expect(await store.recentMessages('Lab', 'none', 5)).toEqual([])
  })
})
