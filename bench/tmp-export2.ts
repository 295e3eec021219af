import * as fs from 'node:fs'
import * as path from 'node:path'
import { execFileSync } from 'node:child_process'
import { CaptureStore } from '../src/main/core/capture/capture-store'
import { Ingest } from '../src/main/core/ingest'
import { exportCsv } from '../src/main/core/export/csv-exporter'
import { newProfile } from '../src/shared/defaults'
const dir = '/tmp/eb-fixed'
if (!fs.existsSync(dir)) {
  const store = await CaptureStore.open({ dir: path.join(dir, 'captures'), ringPoints: 1000 })
  store.startCapture()
  const ingest = new Ingest(
    newProfile('b', { topics: [{ filter: 'b/#', qos: 0 } as never] }),
    store
  )
  const N = 5_000_000 / 3
  let t = 20,
    p = 1013,
    a = 76
  const base = Date.now() - N * 10
  const realNow = Date.now
  for (let i = 0; i < N; i++) {
    t += (Math.random() - 0.5) * 0.1
    p += (Math.random() - 0.5) * 0.1
    a += (Math.random() - 0.5) * 0.1
    Date.now = () => base + i * 10
    ingest.handle('b/x', Buffer.from(`${t.toFixed(2)},${p.toFixed(2)},${a.toFixed(2)}`))
  }
  Date.now = realNow
  await store.close()
}
const store = await CaptureStore.open({ dir: path.join(dir, 'captures'), ringPoints: 10 })
const parts = store.parts()
console.log(
  'journal parts',
  parts.length,
  'bytes',
  parts.reduce((n, p) => n + p.bytes, 0)
)
for (let r = 0; r < 4; r++) {
  let t0 = performance.now()
  for (const p of parts) execFileSync('cp', [p.file, `/tmp/eb-copy-${path.basename(p.file)}`])
  const cp = performance.now() - t0
  t0 = performance.now()
  fs.rmSync('/tmp/eb-out.csv', { force: true })
  for (const p of parts) fs.rmSync(`/tmp/eb-copy-${path.basename(p.file)}`, { force: true })
  ;(globalThis as any).__fmt = 0
  ;(globalThis as any).__swap = 0
  t0 = performance.now()
  const out = await exportCsv(parts, '/tmp/eb-out.csv', { format: 'wide' })
  console.log(
    'fmt',
    (globalThis as any).__fmt.toFixed(0),
    'swap',
    (globalThis as any).__swap.toFixed(0)
  )
  const ex = performance.now() - t0
  console.log(
    `cp ${cp.toFixed(0)} ms, export ${ex.toFixed(0)} ms (${out.rows} rows, ${out.bytes} bytes), ratio ${(cp / ex).toFixed(3)}`
  )
}
process.exit(0)
