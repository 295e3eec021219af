// Durable capture and export: ingest rate against a bare mqtt.js subscriber, memory after
// 5,000,000 readings, and CSV export time against copying the journal's bytes with cp.
import { execFileSync, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startMosquitto, mosquittoAvailable } from '../test-support/mosquitto'
import { CaptureStore } from '../src/main/core/capture/capture-store'
import { exportCsv } from '../src/main/core/export/csv-exporter'
import { MESSAGE_V1_TEXT_OFFSET, RECORD_HEADER } from '../src/main/core/capture/journal-format'
import { Ingest } from '../src/main/core/ingest'
import { newProfile } from '../src/shared/defaults'
import { atLeast, atMost, fmt, median, type Bench, type BenchResult } from './bench-lib'

const here = path.dirname(fileURLToPath(import.meta.url))
const INGEST_MESSAGES = 200_000
const READINGS = 5_000_000
const TRIALS = 5
/** Export trials are short (~0.1 s each) and a shared machine is noisy: more of them. */
const EXPORT_TRIALS = 9

function referencePayloads(n: number): string[] {
  let t = 22.31
  let p = 1013.25
  return Array.from({ length: n }, () => {
    t += (Math.random() - 0.5) * 0.05
    p += (Math.random() - 0.5) * 0.05
    return `${t.toFixed(2)},${p.toFixed(2)},${(76.12 + (1013.25 - p) * 8.3).toFixed(2)}`
  })
}

function runWorker(script: string, args: string[], nodeArgs: string[] = []) {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', path.join(here, 'workers', script), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit']
    }
  )
  let out = ''
  const lines: string[] = []
  const waiters: ((line: string) => void)[] = []
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
    let nl
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl)
      out = out.slice(nl + 1)
      const w = waiters.shift()
      if (w) w(line)
      else lines.push(line)
    }
  })
  const next = (timeoutMs: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const l = lines.shift()
      if (l !== undefined) return resolve(l)
      const timer = setTimeout(
        () => reject(new Error(`${script} ${args[0] ?? ''} gave no answer in ${timeoutMs} ms`)),
        timeoutMs
      )
      waiters.push((line) => {
        clearTimeout(timer)
        resolve(line)
      })
    })
  return { child, next }
}

async function ingestRates(): Promise<{ bare: number[]; ours: number[] }> {
  const broker = await startMosquitto({ anonymous: true, password: false, quiet: true })
  const file = path.join(broker.dir, 'payloads.txt')
  fs.writeFileSync(file, `${referencePayloads(INGEST_MESSAGES).join('\n')}\n`)
  const rates = { bare: [] as number[], ours: [] as number[] }
  try {
    for (let trial = 0; trial < TRIALS; trial++) {
      for (const mode of ['bare', 'ours'] as const) {
        const topic = `bench/${mode}/${trial}`
        const worker = runWorker('ingest-worker.ts', [
          mode,
          String(broker.ports.anonymous),
          String(INGEST_MESSAGES),
          topic
        ])
        if ((await worker.next(30_000)) !== 'ready')
          throw new Error(`${mode} worker did not get ready`)
        const start = Date.now()
        // One mosquitto_pub process sends every line as a QoS 0 message, as fast as it can.
        execFileSync(
          'mosquitto_pub',
          ['-h', '127.0.0.1', '-p', String(broker.ports.anonymous), '-t', topic, '-q', '0', '-l'],
          {
            input: fs.readFileSync(file)
          }
        )
        const { lastAt } = JSON.parse(await worker.next(120_000)) as { lastAt: number }
        rates[mode].push(INGEST_MESSAGES / ((lastAt - start) / 1000))
        worker.child.kill()
      }
    }
  } finally {
    await broker.close()
  }
  return rates
}

async function memory(): Promise<{
  baseline: number
  after: number
  peak: number
  readings: number
}> {
  const worker = runWorker('memory-worker.ts', [String(READINGS)], ['--expose-gc'])
  return JSON.parse(await worker.next(600_000)) as {
    baseline: number
    after: number
    peak: number
    readings: number
  }
}

/** The exporter's I/O with no formatting: 256 KB synchronous reads, `outBytes` written in 1 MB pieces. */
function copyThroughUserSpace(files: string[], target: string, outBytes: number): void {
  const out = fs.openSync(target, 'w')
  const input = Buffer.alloc(256 << 10)
  const block = Buffer.alloc(1 << 20)
  const total = files.reduce((n, f) => n + fs.statSync(f).size, 0)
  let owed = 0 // output bytes due for the input read so far
  let written = 0
  for (const file of files) {
    const fd = fs.openSync(file, 'r')
    for (let pos = 0, n; (n = fs.readSync(fd, input, 0, input.length, pos)) > 0; pos += n) {
      owed += (n / total) * outBytes
      while (owed - written >= block.length)
        written += fs.writeSync(out, block, 0, block.length, written)
    }
    fs.closeSync(fd)
  }
  const rest = Math.round(owed) - written
  if (rest > 0) fs.writeSync(out, block, 0, rest, written)
  fs.closeSync(out)
}

async function exportTimes() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-export-'))
  try {
    const store = await CaptureStore.open({
      dir: path.join(dir, 'captures'),
      ringPoints: 1024,
      retentionBytes: 64 * 1024 ** 3
    })
    store.startCapture()
    const ingest = new Ingest(
      newProfile('e', { topics: [{ filter: '#', qos: 0 } as never] }),
      store
    )
    const payloads = referencePayloads(10_000).map((p) => Buffer.from(p))
    for (let i = 0; i < Math.ceil(READINGS / 3); i++)
      ingest.handle('esp32.out', payloads[i % payloads.length])
    await store.close()
    const reopened = await CaptureStore.open({ dir: path.join(dir, 'captures'), ringPoints: 16 })
    const parts = reopened.parts()
    const journalBytes = parts.reduce((n, p) => n + p.bytes, 0)
    const messages = parts.reduce((n, p) => n + p.index.messages, 0)
    // What the first release wrote for the same messages (no payload kept): its record layout.
    let v1Bytes = 0
    for (let i = 0; i < messages; i++)
      v1Bytes += RECORD_HEADER + MESSAGE_V1_TEXT_OFFSET + payloads[i % payloads.length].length
    const result = {
      messages,
      v1Bytes,
      cp: [] as number[],
      floor: [] as number[],
      ours: [] as number[],
      js: [] as number[],
      // The two formatters again into memory (no disk), where the formatting is the cost.
      memory: { kernel: [] as number[], js: [] as number[] },
      rows: 0,
      kernelRows: 0,
      journalBytes,
      rssGrowthMB: 0
    }
    // One untimed export first, as the app has after its first export: the kernel's code is
    // compiled and optimized once per process.
    const warmUp = path.join(dir, 'warm-up.csv')
    const rssStart = process.memoryUsage().rss
    await exportCsv(parts, warmUp, { format: 'wide' })
    fs.rmSync(warmUp)
    const shm = memoryDir()
    for (let trial = 0; trial < EXPORT_TRIALS; trial++) {
      const copies = parts.map((p, i) => path.join(dir, `copy-${i}.jnl`))
      copies.forEach((c) => fs.rmSync(c, { force: true }))
      // Each timing starts with no writeback pending from earlier steps (same for all three).
      execFileSync('sync')
      let t0 = performance.now()
      parts.forEach((p, i) => execFileSync('cp', [p.file, copies[i]]))
      result.cp.push(performance.now() - t0)
      copies.forEach((c) => fs.rmSync(c, { force: true }))
      const target = path.join(dir, 'export.csv')
      fs.rmSync(target, { force: true })
      let rssPeak = process.memoryUsage().rss
      execFileSync('sync')
      t0 = performance.now()
      const outcome = await exportCsv(
        parts,
        target,
        { format: 'wide' },
        { onProgress: () => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)) }
      )
      result.ours.push(performance.now() - t0)
      result.rows = outcome.rows
      result.kernelRows = outcome.kernelRows
      // The JavaScript formatter alone on the same journal, for comparison.
      fs.rmSync(target, { force: true })
      execFileSync('sync')
      t0 = performance.now()
      await exportCsv(parts, target, { format: 'wide', engine: 'js' })
      result.js.push(performance.now() - t0)
      if (shm) {
        for (const engine of ['auto', 'js'] as const) {
          const inMemory = path.join(shm, 'export.csv')
          t0 = performance.now()
          await exportCsv(parts, inMemory, { format: 'wide', engine })
          result.memory[engine === 'auto' ? 'kernel' : 'js'].push(performance.now() - t0)
          fs.rmSync(inMemory)
        }
      }
      // Context: the same reads and writes with no formatting at all, from user space.
      execFileSync('sync')
      t0 = performance.now()
      copyThroughUserSpace(
        parts.map((p) => p.file),
        path.join(dir, 'floor.bin'),
        outcome.bytes
      )
      result.floor.push(performance.now() - t0)
      fs.rmSync(path.join(dir, 'floor.bin'), { force: true })
      fs.rmSync(target, { force: true })
      // From before the warm-up export.
      result.rssGrowthMB = Math.max(result.rssGrowthMB, (rssPeak - rssStart) / 1048576)
    }
    await reopened.close()
    if (shm) fs.rmSync(shm, { recursive: true, force: true })
    return result
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** A folder in memory (tmpfs) for exports without a disk, or null (said loudly) without one. */
function memoryDir(): string | null {
  try {
    return fs.mkdtempSync('/dev/shm/bench-export-')
  } catch (error) {
    console.warn(`*** formatter comparison in memory skipped: /dev/shm: ${String(error)} ***`)
    return null
  }
}

const bench: Bench = {
  title: 'Durable capture and CSV export',
  async run(): Promise<BenchResult[]> {
    const results: BenchResult[] = []
    const mos = mosquittoAvailable()
    if (!mos.ok) {
      console.warn(`*** ingest benchmark skipped: ${mos.reason} ***`)
    } else {
      const rates = await ingestRates()
      const bare = median(rates.bare)
      const ours = median(rates.ours)
      results.push({
        name: `Ingest ${fmt(INGEST_MESSAGES)} CSV msgs, QoS 0 (msg/s)`,
        ours: fmt(ours),
        reference: `${fmt(bare)} (bare mqtt.js)`,
        ...atLeast(ours / bare, 0.8),
        note: `trials bare ${rates.bare.map((r) => fmt(r)).join(' / ')}; ours ${rates.ours.map((r) => fmt(r)).join(' / ')}`
      })
    }
    const mem = await memory()
    results.push({
      name: `Resident memory after ${fmt(mem.readings)} readings (MB)`,
      ours: fmt(mem.after, 1),
      reference: '300 (budget)',
      ...atMost(mem.after / 300, 1),
      note: `baseline ${fmt(mem.baseline, 1)} MB, peak while capturing ${fmt(mem.peak, 1)} MB`
    })
    const ex = await exportTimes()
    const cp = median(ex.cp)
    const ours = median(ex.ours)
    results.push({
      name: `Export ${fmt(ex.rows * 3)} readings to CSV (ms)`,
      ours: fmt(ours),
      reference: `${fmt(cp)} (cp of ${fmt(ex.journalBytes / 1048576, 1)} MB journal)`,
      ...atLeast(cp / ours, 0.4),
      note: `speed ratio = cp time / export time, medians of ${EXPORT_TRIALS} after an untimed warm-up export; ${fmt(ex.kernelRows)} of ${fmt(ex.rows)} rows formatted by the WebAssembly kernel. The same export with the JavaScript formatter only: ${fmt(median(ex.js))} ms (kernel ${(median(ex.js) / ours).toFixed(2)}x faster). The same reads and writes with no formatting at all take ${fmt(median(ex.floor))} ms (cp copies inside the kernel): ${(cp / median(ex.floor)).toFixed(2)} is about the most a user-space export could reach here. Trials cp ${ex.cp.map((t) => fmt(t)).join(' / ')}; ours ${ex.ours.map((t) => fmt(t)).join(' / ')}; JavaScript ${ex.js.map((t) => fmt(t)).join(' / ')}`
    })
    const js = median(ex.js)
    const inMemory = ex.memory.kernel.length > 0
    const kernel = inMemory ? median(ex.memory.kernel) : ours
    const jsOnly = inMemory ? median(ex.memory.js) : js
    results.push({
      name: `Export formatters side by side${inMemory ? ' (into memory)' : ''}: WebAssembly kernel vs JavaScript (ms)`,
      ours: fmt(kernel),
      reference: `${fmt(jsOnly)} (the same export, JavaScript formatter only)`,
      ...atLeast(jsOnly / kernel, 1),
      note: `ratio = JavaScript time / kernel time, medians of ${EXPORT_TRIALS}; ${inMemory ? `exports into /dev/shm, so the disk does not hide the formatting. Trials kernel ${ex.memory.kernel.map((t) => fmt(t)).join(' / ')}; JavaScript ${ex.memory.js.map((t) => fmt(t)).join(' / ')}. ` : ''}To disk: kernel ${fmt(ours)} ms, JavaScript ${fmt(js)} ms (cp ratio ${(cp / js).toFixed(3)})`
    })
    results.push({
      name: 'Journal bytes per reference CSV message, payload kept',
      ours: fmt(ex.journalBytes / ex.messages, 1),
      reference: `${fmt(ex.v1Bytes / ex.messages, 1)} (the first release's layout, no payload)`,
      ...atMost(ex.journalBytes / ex.v1Bytes, 2),
      note: `${fmt(ex.messages)} messages; the CSV payload is the values text, so it is kept once`
    })
    results.push({
      name: `Export memory: RSS growth over ${EXPORT_TRIALS * (inMemory ? 4 : 2) + 1} exports (MB)`,
      ours: fmt(ex.rssGrowthMB, 1),
      reference: '32 (budget)',
      ...atMost(ex.rssGrowthMB / 32, 1),
      note: 'RSS peak during the exports minus RSS before the first one'
    })
    return results
  }
}

export default bench
