import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { csvParse } from 'd3-dsv'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decoderSchema, DEFAULT_UNITS, type DecoderConfig } from '../../../../shared/schemas'
import { CaptureStore } from '../../capture/capture-store'
import { createDecoder } from '../../decode'
import { exportCsv, type ExportHooks, type ExportOptions } from '../csv-exporter'

const enc = new TextEncoder()
// Crosses a second, minute, day and leap-day boundary within a few rows.
const T0 = Date.UTC(2024, 1, 29, 23, 59, 59, 995)
const HEADER = 'time,epoch_ms,topic,temperature (°C),pressure (hPa),altitude (m)'

let root: string
let stores: CaptureStore[]
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'csv-export-test-'))
  stores = []
})
afterEach(async () => {
  for (const store of stores) await store.close()
  fs.rmSync(root, { recursive: true, force: true })
})

async function openStore(): Promise<CaptureStore> {
  const store = await CaptureStore.open({ dir: path.join(root, 'captures'), flushMs: 60_000 })
  stores.push(store)
  return store
}

/** Decodes and appends payloads, each `[t, text]`, the way ingest does. */
function publish(
  store: CaptureStore,
  topic: string,
  payloads: [number, string][],
  decoder: Partial<DecoderConfig> = { format: 'csv' },
  connection = 'lab'
): void {
  const units = decoder.format === 'csv' ? (f: string) => DEFAULT_UNITS[f] ?? '' : () => ''
  const entry = store.topicFor(connection, topic, units)
  const d = createDecoder(decoderSchema.parse(decoder))
  for (const [t, text] of payloads) {
    const payload = enc.encode(text)
    const out = d.decode(payload, t)
    if (!out.ok) throw new Error(out.error)
    out.rows.forEach((row, k) => store.append(entry, row, k === 0 ? payload : null))
  }
}

async function exportText(
  store: CaptureStore,
  options: Partial<ExportOptions> = {},
  hooks: ExportHooks = {}
): Promise<{ text: string; lines: string[]; rows: number }> {
  const target = path.join(root, 'out.csv')
  const outcome = await exportCsv(store.parts(), target, { format: 'wide', ...options }, hooks)
  expect(outcome.status).toBe('done')
  const text = fs.readFileSync(target, 'utf8')
  const lines = text.split('\r\n')
  expect(lines.pop()).toBe('') // every row ends with CRLF
  fs.rmSync(target)
  return { text, lines, rows: outcome.rows }
}

const iso = (t: number) => new Date(t).toISOString()
const reference: [number, string][] = [
  [T0, '22.31,1013.25,76.12'],
  [T0 + 7, '22.30,1013.00,76.10'],
  [T0 + 14, '-1.5,990.5,120']
]

describe('exportCsv (wide)', () => {
  it('writes a BOM, the header with units, and one row per message with the published text', async () => {
    const store = await openStore()
    publish(store, 'sensors/bmp280', reference)
    const { text, lines, rows } = await exportText(store)
    expect(text.startsWith('\ufeff')).toBe(true)
    expect(lines[0]).toBe(`\ufeff${HEADER}`)
    expect(rows).toBe(3)
    expect(lines.slice(1)).toEqual([
      `2024-02-29T23:59:59.995Z,${T0},sensors/bmp280,22.31,1013.25,76.12`,
      `2024-03-01T00:00:00.002Z,${T0 + 7},sensors/bmp280,22.30,1013.00,76.10`,
      `2024-03-01T00:00:00.009Z,${T0 + 14},sensors/bmp280,-1.5,990.5,120`
    ])
  })

  it('writes ISO time in UTC with milliseconds that matches epoch_ms on every row', async () => {
    const store = await openStore()
    const ts = [0, 1, 999, 1000, 61_001, 3_600_123, 86_399_999].map((d) => T0 + d)
    publish(
      store,
      'json/ts',
      ts.map((t) => [0, `{"ts":${t},"v":1}`]),
      { format: 'json' }
    )
    publish(store, 'json/fraction', [[0, '{"ts":1586815920.1234,"v":2}']], { format: 'json' })
    const { lines } = await exportText(store)
    const cells = lines.slice(1).map((l) => l.split(','))
    expect(cells.map((c) => Number(c[1]))).toEqual([...ts, 1586815920123])
    for (const [time, epoch] of cells) {
      expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      expect(time).toBe(iso(Number(epoch)))
    }
  })

  it('takes the union of fields across topics and leaves missing cells empty', async () => {
    const store = await openStore()
    publish(store, 'a', [[T0, '1.5,1000.25,10']])
    publish(store, 'b', [[T0 + 1, '{"humidity":40.5,"temperature":21}']], { format: 'json' })
    publish(store, 'a', [[T0 + 2, '2.5,999']])
    const { lines } = await exportText(store)
    expect(lines).toEqual([
      `\ufeff${HEADER},humidity`,
      `${iso(T0)},${T0},a,1.5,1000.25,10,`,
      `${iso(T0 + 1)},${T0 + 1},b,21,,,40.5`,
      `${iso(T0 + 2)},${T0 + 2},a,2.5,999,,`
    ])
  })

  it('adds a connection column only when the export spans two connections', async () => {
    const store = await openStore()
    publish(store, 'sensors/x', [[T0, '1,2,3']], { format: 'csv' }, 'home')
    const single = await exportText(store)
    expect(single.lines[0]).toBe(`\ufeff${HEADER}`)
    publish(store, 'sensors/x', [[T0 + 1, '4,5,6']], { format: 'csv' }, 'office')
    const both = await exportText(store)
    expect(both.lines).toEqual([
      `\ufefftime,epoch_ms,connection,topic,temperature (°C),pressure (hPa),altitude (m)`,
      `${iso(T0)},${T0},home,sensors/x,1,2,3`,
      `${iso(T0 + 1)},${T0 + 1},office,sensors/x,4,5,6`
    ])
  })

  it('quotes a topic holding a comma and a quote as RFC 4180 says', async () => {
    const store = await openStore()
    const topic = 'plant/a,"b"'
    publish(store, topic, [[T0, '1,2,3']])
    const { text, lines } = await exportText(store)
    expect(lines[1]).toBe(`${iso(T0)},${T0},"plant/a,""b""",1,2,3`)
    const [row] = csvParse(text.slice(1))
    expect(row.topic).toBe(topic)
    expect(row['pressure (hPa)']).toBe('2')
  })

  it('writes a topic that starts like a spreadsheet formula as text, never as a formula', async () => {
    const store = await openStore()
    const topics = ['=HYPERLINK("http://x","y")', '+1', '-2+3', '@SUM(A1)', 'ok/-3', '-2']
    topics.forEach((topic, i) => publish(store, topic, [[T0 + i, '1,-2,3']]))
    for (const format of ['wide', 'long'] as const) {
      const { text } = await exportText(store, { format })
      const rows = csvParse(text.slice(1))
      expect([...new Set(rows.map((r) => r.topic))]).toEqual([
        `'=HYPERLINK("http://x","y")`,
        '+1', // a plain number is no formula
        "'-2+3",
        "'@SUM(A1)",
        'ok/-3',
        '-2'
      ])
      // Values are numbers: a negative one keeps its sign.
      expect(rows.some((r) => r['pressure (hPa)'] === '-2' || r.value === '-2')).toBe(true)
    }
  })

  it('applies the time range (inclusive), topic and field filters', async () => {
    const store = await openStore()
    const a = Array.from({ length: 10 }, (_, i): [number, string] => [
      T0 + i * 100,
      `${i},${100 + i},7`
    ])
    publish(store, 'a', a.slice(0, 3))
    publish(store, 'b', [[T0 + 250, '{"humidity":50}']], { format: 'json' })
    publish(store, 'a', a.slice(3))
    const ranged = await exportText(store, { fromMs: T0 + 200, toMs: T0 + 500 })
    expect(ranged.lines.slice(1).map((l) => l.split(',')[1])).toEqual(
      [200, 250, 300, 400, 500].map((d) => String(T0 + d))
    )
    const onlyB = await exportText(store, { topics: ['b'] })
    expect(onlyB.lines).toEqual([
      '\ufefftime,epoch_ms,topic,humidity',
      `${iso(T0 + 250)},${T0 + 250},b,50`
    ])
    const pressure = await exportText(store, { fields: ['pressure'], toMs: T0 + 250 })
    expect(pressure.lines).toEqual([
      '\ufefftime,epoch_ms,topic,pressure (hPa)',
      `${iso(T0)},${T0},a,100`,
      `${iso(T0 + 100)},${T0 + 100},a,101`,
      `${iso(T0 + 200)},${T0 + 200},a,102`,
      `${iso(T0 + 250)},${T0 + 250},b,`
    ])
  })
})

describe('exportCsv (long)', () => {
  it('writes one row per value with field and unit, skipping missing values', async () => {
    const store = await openStore()
    publish(store, 'a', [
      [T0, '22.31,1013.25,76.12'],
      [T0 + 1, '1,x,3']
    ])
    const { lines, rows } = await exportText(store, { format: 'long' })
    expect(rows).toBe(5)
    expect(lines).toEqual([
      '\ufefftime,epoch_ms,topic,field,unit,value',
      `${iso(T0)},${T0},a,temperature,°C,22.31`,
      `${iso(T0)},${T0},a,pressure,hPa,1013.25`,
      `${iso(T0)},${T0},a,altitude,m,76.12`,
      `${iso(T0 + 1)},${T0 + 1},a,temperature,°C,1`,
      `${iso(T0 + 1)},${T0 + 1},a,altitude,m,3`
    ])
  })

  it('writes every value of messages whose long rows outgrow the room left in the output', async () => {
    // 256 columns with long names under a long topic: a message of 1 KB makes over 100 KB of
    // long rows, and the tenth of them crosses the end of the 1 MB output block.
    const store = await openStore()
    const csvColumns = Array.from({ length: 256 }, (_, i) => `c${i}_${'n'.repeat(190)}`)
    const topic = `t/${'x'.repeat(200)}`
    const times = Array.from({ length: 12 }, (_, k) => T0 + k)
    const values = csvColumns.map((_, i) => String(i)).join(',')
    publish(
      store,
      topic,
      times.map((t) => [t, values]),
      { format: 'csv', csvColumns }
    )
    const { lines, rows } = await exportText(store, { format: 'long' })
    expect(rows).toBe(12 * 256)
    expect(lines.length).toBe(12 * 256 + 1)
    times.forEach((t, k) =>
      expect(lines[256 * (k + 1)].split(',')).toEqual([
        iso(t),
        `${t}`,
        topic,
        csvColumns[255],
        '',
        '255'
      ])
    )
  })
})

describe('exportCsv at scale, with progress and cancel', () => {
  /** 100,000 messages (300,000 readings), more than one 4 MB read chunk of journal. */
  function bigCapture(store: CaptureStore): { t: number; text: string }[] {
    const sent: { t: number; text: string }[] = []
    for (let i = 0; i < 100_000; i++) {
      const text = `${(15 + ((i * 37) % 2000) / 100).toFixed(2)},${(950 + ((i * 13) % 10000) / 100).toFixed(2)},${((i * 7) % 30000) / 100}`
      sent.push({ t: T0 + i * 3, text })
    }
    publish(
      store,
      'sensors/bmp280',
      sent.map((m) => [m.t, m.text])
    )
    return sent
  }

  it('round-trips 100,000 messages through a standard CSV parser', async () => {
    const store = await openStore()
    const sent = bigCapture(store)
    const fractions: number[] = []
    const { text, rows } = await exportText(
      store,
      {},
      { onProgress: (p) => fractions.push(p.fraction) }
    )
    expect(rows).toBe(sent.length)
    const parsed = csvParse(text.slice(1))
    expect(parsed.columns).toEqual(HEADER.split(','))
    expect(parsed.length).toBe(sent.length)
    const bad = parsed.findIndex((row, i) => {
      const m = sent[i]
      const values = `${row['temperature (°C)']},${row['pressure (hPa)']},${row['altitude (m)']}`
      return (
        row.time !== iso(m.t) ||
        row.epoch_ms !== String(m.t) ||
        row.topic !== 'sensors/bmp280' ||
        values !== m.text
      )
    })
    expect(bad).toBe(-1)
    expect(fractions.length).toBeGreaterThanOrEqual(2)
    fractions.forEach((f, i) => expect(f).toBeGreaterThanOrEqual(i > 0 ? fractions[i - 1] : 0))
    expect(fractions.at(-1)).toBe(1)
  })

  it('leaves neither the target nor a .partial file when cancelled after the first progress', async () => {
    const store = await openStore()
    bigCapture(store)
    const out = fs.mkdtempSync(path.join(root, 'out-'))
    const target = path.join(out, 'export.csv')
    let progressed = 0
    const outcome = await exportCsv(
      store.parts(),
      target,
      { format: 'wide' },
      { onProgress: () => progressed++, isCancelled: () => progressed > 0 }
    )
    expect(progressed).toBe(1)
    expect(outcome.status).toBe('cancelled')
    expect(outcome.rows).toBeLessThan(100_000)
    expect(fs.readdirSync(out)).toEqual([])
  })

  it('fails with ENOSPC on a full disk, leaving neither the target nor a .partial file', async (ctx) => {
    // /dev/full refuses every write with ENOSPC: a real full-disk error from the kernel.
    if (!fs.existsSync('/dev/full')) return ctx.skip('no /dev/full on this system')
    const store = await openStore()
    bigCapture(store)
    const out = fs.mkdtempSync(path.join(root, 'out-'))
    const target = path.join(out, 'export.csv')
    fs.symlinkSync('/dev/full', `${target}.partial`)
    await expect(exportCsv(store.parts(), target, { format: 'wide' })).rejects.toMatchObject({
      code: 'ENOSPC'
    })
    expect(fs.readdirSync(out)).toEqual([])
  })

  it('exports while capture continues, each export seeing everything appended so far', async () => {
    const store = await openStore()
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i): [number, string] => [
        T0 + (from + i) * 10,
        `${from + i},1,2`
      ])
    publish(store, 'live', batch(0, 50))
    expect((await exportText(store)).rows).toBe(50)
    publish(store, 'live', batch(50, 30))
    const second = await exportText(store)
    expect(second.rows).toBe(80)
    expect(second.lines.at(-1)).toBe(`${iso(T0 + 790)},${T0 + 790},live,79,1,2`)
  })
})
