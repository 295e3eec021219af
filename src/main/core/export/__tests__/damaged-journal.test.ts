// Damage on disk, as a failing disk or a stray write leaves it: nothing damaged is exported or
// charted as data, everything whole around it is, and the user is told what was skipped.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decoderSchema, DEFAULT_UNITS } from '../../../../shared/schemas'
import type { Notice } from '../../../../shared/types'
import { loadCatalog } from '../../capture/capture-catalog'
import { CaptureStore } from '../../capture/capture-store'
import { partFileName } from '../../capture/journal-format'
import { createDecoder } from '../../decode'
import { exportCsv } from '../csv-exporter'

const enc = new TextEncoder()
const T0 = 1_700_000_000_000
const N = 12_000

let root: string
let notices: Notice[]
const stores: CaptureStore[] = []
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'damaged-'))
  notices = []
})
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close()
  fs.rmSync(root, { recursive: true, force: true })
})

const payload = (i: number): string => `${(i / 100).toFixed(2)},${1000 + i},${i % 97}`

async function open(): Promise<CaptureStore> {
  const store = await CaptureStore.open({
    dir: path.join(root, 'captures'),
    flushMs: 60_000,
    notice: (n) => notices.push(n)
  })
  stores.push(store)
  return store
}

/** A capture of N reference messages, closed (its one part sealed, with its CRC). */
async function sealedCapture(): Promise<string> {
  const store = await open()
  const entry = store.topicFor('lab', 'esp32.out', (f) => DEFAULT_UNITS[f] ?? '')
  const csv = createDecoder(decoderSchema.parse({ format: 'csv' }))
  for (let i = 0; i < N; i++) {
    const bytes = enc.encode(payload(i))
    const out = csv.decode(bytes, T0 + i)
    if (!out.ok) throw new Error(out.error)
    store.append(entry, out.rows[0], bytes)
  }
  await store.close()
  stores.splice(stores.indexOf(store), 1)
  const dir = path.join(root, 'captures', fs.readdirSync(path.join(root, 'captures'))[0])
  return path.join(dir, partFileName(1))
}

/** Overwrites bytes of the file where `text` first occurs (plus `offset`). */
function damage(file: string, text: string, bytes: number[], offset = 0): number {
  const data = fs.readFileSync(file)
  const at = data.indexOf(Buffer.from(text)) + offset
  expect(at).toBeGreaterThan(offset)
  bytes.forEach((b, i) => (data[at + i] = b))
  fs.writeFileSync(file, data)
  return at
}

async function exportLines(store: CaptureStore, engine: 'auto' | 'js') {
  const target = path.join(root, `${engine}.csv`)
  const damaged: number[] = []
  const outcome = await exportCsv(
    store.parts(),
    target,
    { format: 'wide', engine },
    { onDamage: (part, d) => (damaged.push(d.bytes), store.recordDamage(part, d)) }
  )
  const lines = fs.readFileSync(target, 'utf8').trimEnd().split('\r\n').slice(1)
  return { outcome, lines, damaged }
}

describe('a sealed part damaged after it was written', () => {
  it.each(['auto', 'js'] as const)(
    'a changed digit is not exported as data; every other row is (%s formatter)',
    async (engine) => {
      const file = await sealedCapture()
      // 50.00,1500,53 becomes 59.00,...: still a well-formed record, but not what was written.
      damage(file, payload(5000), [0x39], 1)
      const store = await open()
      const { outcome, lines, damaged } = await exportLines(store, engine)
      expect(outcome.status).toBe('done')
      expect(lines).toHaveLength(N - 1)
      expect(lines.some((l) => l.endsWith(',59.00,1500,53'))).toBe(false)
      expect(lines.some((l) => l.endsWith(`,${payload(5001)}`))).toBe(true)
      expect(outcome.skippedBytes).toBeGreaterThan(0)
      expect(damaged).toEqual([outcome.skippedBytes])
      // The capture list follows, and the user was told.
      expect(store.list()[0].messages).toBe(N - 1)
      expect(notices.map((n) => n.message).join('\n')).toMatch(
        /damaged bytes? (was|were) skipped in part 1; the 11,999 whole messages in it were kept/
      )
    }
  )

  it('a zeroed record length no longer ends the export early: the rows after it are kept', async () => {
    const file = await sealedCapture()
    const recordStart = fs.readFileSync(file).indexOf(Buffer.from(payload(3000))) - 8 - 17
    const data = fs.readFileSync(file)
    data.writeUInt32LE(0, recordStart)
    fs.writeFileSync(file, data)
    const store = await open()
    const { outcome, lines } = await exportLines(store, 'auto')
    expect(lines).toHaveLength(N - 1)
    expect(lines.at(-1)).toContain(payload(N - 1))
    expect(outcome.rows).toBe(N - 1)
    // The part is read record by record from now on: the next export agrees without a rewind.
    const again = await exportLines(store, 'auto')
    expect(again.lines).toEqual(lines)
  })

  it('is not charted from: the refilled rings hold no damaged value', async () => {
    const file = await sealedCapture()
    damage(file, payload(7000), [0x39], 0) // 70.00 becomes 90.00
    const store = await open()
    const temperature = store.snapshot().series.find((s) => {
      const def = store.registry.def(s.id)
      return def?.field === 'temperature'
    })!
    expect(temperature.v).toHaveLength(N - 1)
    const values = [...temperature.v]
    expect(values).not.toContain(70) // the damaged record is left out whole...
    expect(values.filter((v) => v === 90)).toHaveLength(1) // ...not read as 90 (i = 9000's)
    expect(notices.some((n) => /damaged/.test(n.message))).toBe(true)
  })
})

describe('a part being written when the app stopped (no index yet)', () => {
  it('64 damaged bytes cost only the records they touch: the 10,002+ after them stay on disk', async () => {
    const file = await sealedCapture()
    fs.rmSync(file.replace(/\.jnl$/, '.idx')) // as if the app died before sealing it
    const size = fs.statSync(file).size
    damage(
      file,
      payload(1990),
      Array.from({ length: 64 }, (_, i) => (i * 53 + 7) & 0xff)
    )
    const warnings: string[] = []
    const [capture] = await loadCatalog(path.join(root, 'captures'), (m) => warnings.push(m))
    expect(fs.statSync(file).size).toBe(size) // nothing cut
    expect(capture.parts[0].messages).toBeGreaterThanOrEqual(N - 4)
    expect(capture.parts[0].messages).toBeLessThan(N)
    // The skipped stretch: the 64 bytes and the rest of the records they fell in.
    const skipped = Number(
      /(\d+) damaged bytes were skipped in part 1/.exec(warnings.join('\n'))?.[1]
    )
    expect(skipped).toBeGreaterThanOrEqual(64)
    expect(skipped).toBeLessThan(64 + 4 * 40)
    const store = await open()
    const { lines } = await exportLines(store, 'auto')
    expect(lines.length).toBe(capture.parts[0].messages)
    expect(lines.at(-1)).toContain(payload(N - 1))
  })
})
