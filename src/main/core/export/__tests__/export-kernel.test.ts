import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CaptureStore } from '../../capture/capture-store'
import { createDecoder } from '../../decode'
import { exportCsv, type ExportOptions } from '../csv-exporter'
import { KernelFormatter } from '../wasm/format-kernel'
import { FORMAT_KERNEL_WASM } from '../wasm/format-kernel-wasm'
import { decoderSchema } from '../../../../shared/schemas'

let dir: string
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

/** A capture that exercises every path: several topics and connections, shapes, odd times. */
async function mixedCapture(): Promise<CaptureStore> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-'))
  const store = await CaptureStore.open({
    dir: path.join(dir, 'c'),
    partBytes: 256 * 1024,
    flushMs: 60_000
  })
  const csv = createDecoder(decoderSchema.parse({ format: 'csv' }))
  const json = createDecoder(decoderSchema.parse({ format: 'json' }))
  const enc = new TextEncoder()
  const a = store.topicFor('lab', 'esp32.out')
  const b = store.topicFor('lab', 'esp32b.out')
  const c = store.topicFor('roof', 'weird, "quoted" topic')
  const times = (i: number): number =>
    i % 97 === 0
      ? -86_400_000 * (i + 1)
      : i % 89 === 0
        ? 1_700_000_000_000.5 + i
        : 1_700_000_000_000 + i * 137
  for (let i = 0; i < 20_000; i++) {
    const t = times(i)
    const which = i % 5
    const out =
      which < 3
        ? csv.decode(
            enc.encode(
              `${(20 + (i % 50) / 10).toFixed(2)},${1000 + (i % 30)},${i % 7 === 0 ? 'x' : (76 + i / 1000).toFixed(2)}`
            ),
            t
          )
        : json.decode(
            enc.encode(
              which === 3
                ? `{"temp":${i / 10},"rh":${i % 100}}`
                : `[{"rh":${i % 100},"temp":${i / 10}},{"other":${i}}]`
            ),
            t
          )
    if (!out.ok) continue
    out.rows.forEach((row, k) =>
      store.append(which === 4 ? c : which === 3 ? b : a, row, k === 0 ? row.text : null)
    )
  }
  // One huge row: a JSON object with thousands of numeric fields.
  const big = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`f${i}`, i * 1.5]))
  const out = json.decode(enc.encode(JSON.stringify(big)), 1_700_000_100_000)
  if (out.ok) for (const row of out.rows) store.append(b, row, row.text)
  store.flush()
  return store
}

const kernelShare: number[] = []

async function both(store: CaptureStore, options: ExportOptions): Promise<[string, string]> {
  const results: string[] = []
  for (const engine of ['auto', 'js'] as const) {
    const target = path.join(dir, `${engine}.csv`)
    const outcome = await exportCsv(store.parts(), target, { ...options, engine })
    // The comparison means something only if the kernel really wrote most rows.
    if (engine === 'auto') kernelShare.push(outcome.kernelRows / outcome.rows)
    else expect(outcome.kernelRows).toBe(0)
    results.push(fs.readFileSync(target, 'utf8'))
  }
  return [results[0], results[1]]
}

describe('the WebAssembly export formatter', () => {
  it('is available and its compiled bytes match format-kernel.as.ts', async () => {
    const options = {
      format: 'wide' as const,
      withConnection: false,
      columns: new Map<string, number>(),
      ncols: 0,
      fromMs: -Infinity,
      toMs: Infinity,
      topics: null
    }
    expect(KernelFormatter.create(options, 1024)).not.toBeNull()
    const { compileKernel } = await import('../wasm/compile-kernel')
    expect(compileKernel().toString('base64')).toBe(FORMAT_KERNEL_WASM)
  })

  it('writes exactly the bytes of the JavaScript formatter, whatever the data', async () => {
    const store = await mixedCapture()
    // With the expected share of rows the kernel writes: the comparison means something
    // only where it really ran; a field subset scatters columns, which it leaves to us.
    const cases: [ExportOptions, number][] = [
      [{ format: 'wide' }, 0.7],
      [{ format: 'wide', topics: ['esp32.out', 'weird, "quoted" topic'] }, 0.7],
      [{ format: 'wide', fields: ['temp', 'pressure'] }, 0],
      [{ format: 'wide', fromMs: 1_700_000_000_000, toMs: 1_700_000_900_000 }, 0.7]
    ]
    for (const [options, share] of cases) {
      kernelShare.length = 0
      const [fast, plain] = await both(store, options)
      expect(fast.length).toBeGreaterThan(1000)
      expect(fast).toBe(plain)
      if (share > 0) expect(kernelShare[0]).toBeGreaterThan(share)
      else expect(kernelShare[0]).toBe(0)
    }
    await store.close()
  })
})
