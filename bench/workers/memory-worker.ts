// Captures 5,000,000 readings (1,666,667 reference CSV messages of 3 fields) through the
// core's ingest path, then reports resident memory after a full GC. Run with --expose-gc.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { CaptureStore } from '../../src/main/core/capture/capture-store'
import { Ingest } from '../../src/main/core/ingest'
import { encodeFrame } from '../../src/shared/frame-codec'
import { newProfile } from '../../src/shared/defaults'

const readings = Number(process.argv[2] ?? 5_000_000)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)
const mb = (): number => process.memoryUsage().rss / 1048576

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-memory-'))
const store = await CaptureStore.open({ dir, retentionBytes: 64 * 1024 ** 3 })
store.batcher.subscribe((batch) => void encodeFrame(batch))
store.startCapture()
const ingest = new Ingest(newProfile('m', { topics: [{ filter: '#', qos: 0 } as never] }), store)
gc()
const baseline = mb()
let t = 22.3
let p = 1013.25
let peak = 0
const messages = Math.ceil(readings / 3)
for (let i = 0; i < messages; i++) {
  t += (Math.random() - 0.5) * 0.05
  p += (Math.random() - 0.5) * 0.05
  ingest.handle(
    'esp32.out',
    Buffer.from(`${t.toFixed(2)},${p.toFixed(2)},${(76 + (1013.25 - p) * 8.3).toFixed(2)}`)
  )
  // Yield now and then so timers (journal flush, batches) run as they would live.
  if (i % 20_000 === 0) {
    await new Promise((r) => setImmediate(r))
    peak = Math.max(peak, mb())
  }
}
store.flush()
await new Promise((r) => setTimeout(r, 300))
gc()
const after = mb()
const captured = store.list().reduce((n, c) => n + c.messages, 0)
await store.close()
fs.rmSync(dir, { recursive: true, force: true })
console.log(
  JSON.stringify({
    baseline,
    after,
    peak: Math.max(peak, after),
    messages: captured,
    readings: captured * 3
  })
)
