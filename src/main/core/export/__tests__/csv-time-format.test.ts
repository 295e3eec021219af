import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CaptureStore } from '../../capture/capture-store'
import { createDecoder } from '../../decode'
import { exportCsv } from '../csv-exporter'
import { decoderSchema } from '../../../../shared/schemas'

let dir: string
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

async function exportTimes(times: number[]): Promise<string[][]> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csv-time-'))
  const store = await CaptureStore.open({ dir: path.join(dir, 'c'), flushMs: 60_000 })
  const entry = store.topicFor('lab', 'clock')
  const decoder = createDecoder(decoderSchema.parse({ format: 'number', numberField: 'n' }))
  times.forEach((t, i) => {
    const payload = new TextEncoder().encode(String(i))
    const out = decoder.decode(payload, t)
    if (!out.ok) throw new Error(out.error)
    store.append(entry, out.rows[0], payload)
  })
  const target = path.join(dir, 'out.csv')
  await exportCsv(store.parts(), target, { format: 'wide' })
  await store.close()
  return fs
    .readFileSync(target, 'utf8')
    .trimEnd()
    .split('\r\n')
    .slice(1)
    .map((l) => l.split(','))
}

describe('export timestamps', () => {
  it('formats every time exactly as toISOString and epoch_ms as the whole millisecond', async () => {
    const times = [
      ...Array.from({ length: 2000 }, (_, i) => 1_700_000_000_000 + i * 1000), // a 1 Hz sensor
      ...Array.from({ length: 2000 }, () => Math.random() * 4_102_444_800_000), // 1970..2100
      ...Array.from({ length: 200 }, () => -Math.random() * 1e12), // before 1970
      1_700_000_000_999.7, // fractional ms round down
      0,
      951_782_400_000 // 2000-02-29, a leap day
    ]
    const rows = await exportTimes(times)
    expect(rows.length).toBe(times.length)
    rows.forEach((row, i) => {
      const ms = Math.floor(times[i])
      expect(row.slice(0, 2)).toEqual([new Date(ms).toISOString(), String(ms)])
      expect(row[3]).toBe(String(i))
    })
  })

  it('writes years up to 9999 and past it as Date does, and an impossible time as empty', async () => {
    const times = [
      ...Array.from({ length: 2000 }, () => Math.random() * 253_402_300_799_999), // to 9999
      253_402_300_800_000, // 10000-01-01: past what the kernel writes
      8.64e15 // the last millisecond Date holds
    ]
    const rows = await exportTimes([...times, 1e20])
    rows.slice(0, -1).forEach((row, i) => {
      const ms = Math.floor(times[i])
      expect(row.slice(0, 2)).toEqual([new Date(ms).toISOString(), String(ms)])
    })
    expect(rows.at(-1)!.slice(0, 2)).toEqual(['', '100000000000000000000'])
  })
})
