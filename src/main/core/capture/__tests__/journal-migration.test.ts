// A capture written by the previous release (test-support/fixtures/journal-v1: message records
// without payloads, part indexes without CRCs) still opens, charts and exports unchanged.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { CaptureStore } from '../capture-store'
import { exportCsv } from '../../export/csv-exporter'

const FIXTURE = path.resolve('test-support/fixtures/journal-v1')
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0)
let dir: string | undefined
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

it('opens, refills the charts and exports a journal of the previous release', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-'))
  fs.cpSync(FIXTURE, dir, { recursive: true })
  const notices: string[] = []
  const store = await CaptureStore.open({ dir, notice: (n) => notices.push(n.message) })
  try {
    expect(notices).toEqual([])
    const [capture] = store.list()
    expect(capture).toMatchObject({ messages: 120, topics: ['esp32.out', 'esp32b.out'] })
    const temps = store.snapshot().series.find((s) => {
      const def = store.registry.def(s.id)!
      return def.topic === 'esp32.out' && def.field === 'temperature'
    })!
    expect([...temps.v]).toEqual(
      Array.from({ length: 60 }, (_, i) => Number((20 + i / 10).toFixed(2)))
    )
    for (const engine of ['auto', 'js'] as const) {
      const target = path.join(dir, `${engine}.csv`)
      const outcome = await exportCsv(store.parts(), target, { format: 'wide', engine })
      expect(outcome).toMatchObject({ status: 'done', rows: 120, skippedBytes: 0 })
      const lines = fs.readFileSync(target, 'utf8').trimEnd().split('\r\n')
      expect(lines[0]).toBe(
        '\ufefftime,epoch_ms,topic,temperature (°C),pressure (hPa),altitude (m),temp,alt'
      )
      expect(lines[1]).toBe(`${new Date(T0).toISOString()},${T0},esp32.out,20.00,1000.00,70.00,,`)
      expect(lines[2]).toBe(
        `${new Date(T0 + 500).toISOString()},${T0 + 500},esp32b.out,,100000,,21,0`
      )
      expect(lines).toHaveLength(121)
    }
  } finally {
    await store.close()
  }
})
