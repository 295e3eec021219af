// The topic explorer at its design load: 100,000 topics under `#` on a real Mosquitto, 10,000
// messages a second spread over them, the app in serve mode and its page in headless
// Chromium with the topic tree open and a filter typed. Measured in one run:
//   - main-thread time per frame (Chrome's trace: every top-level task up to each frame's end)
//   - how long a filter over the 100,000 topics takes to show its answer, keystroke by keystroke
//   - the message history against its budget; core RSS and the page's JS heap above idle, each
//     after a full collection (the core's through its inspector)
//   - ingest with the explorer on against a bare mqtt.js subscriber (separate processes)
import { spawn } from 'node:child_process'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import mqtt from 'mqtt'
import type { Page } from '@playwright/test'
import { mosquittoAvailable, startMosquitto } from '../test-support/mosquitto'
import { startServe } from '../test-support/serve'
import { connectWsApi, seriesValues, waitForConnected } from '../test-support/ws-api'
import { waitUntil } from '../test-support/wait'
import { newProfile } from '../src/shared/defaults'
import { atLeast, atMost, fmt, median, percentile, type Bench, type BenchResult } from './bench-lib'
import { launchChromium } from './chart-page/harness'
import { coreRss, INSPECT_ENV, inspectorUrl } from './core-inspector'
import { frameTimes, type TraceEvent } from './frame-slots'

const here = path.dirname(fileURLToPath(import.meta.url))
const TOPICS = 100_000
const RATE = 10_000
const WARMUP_MS = 3000
const MEASURE_MS = 15_000
const MB = 1024 * 1024
/** The filters typed, one keystroke at a time. */
const FILTERS = ['bench/+/d7/#', 's9999', 'd42']
const INGEST_MESSAGES = 200_000
/** A plant's scale (the 500-device fleet has 1,000 topics) and the design load. */
const INGEST_TOPICS = [1_000, 100_000]
/**
 * Alternating runs of each side: on two cores the publisher, the broker and the subscriber
 * share the machine, and single runs of either side vary by a fifth.
 */
const INGEST_TRIALS = 5

const benchTopic = (i: number): string => `bench/l${i % 100}/d${Math.floor(i / 100) % 100}/s${i}`

async function jsHeapMB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = await cdp.send('Runtime.getHeapUsage')
  await cdp.detach()
  return usedSize / MB
}

/** Publishes `n` messages round-robin over the bench topics, as fast as the socket takes them. */
async function publishAll(client: mqtt.MqttClient, n: number, from = 0): Promise<void> {
  for (let i = 0; i < n; i++) {
    const ok = client.publish(benchTopic((from + i) % TOPICS), String(20 + (i % 100) / 10), {
      qos: 0
    })
    if (!ok || i % 2000 === 0) await new Promise((r) => setImmediate(r))
  }
}

/** RATE messages a second over every topic until stopped. */
function publishAtRate(client: mqtt.MqttClient): { stop(): number } {
  const started = Date.now()
  let sent = 0
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) * RATE) / 1000)
    for (; sent < due; sent++)
      client.publish(benchTopic((sent * 7919) % TOPICS), String(20 + (sent % 100) / 10), {
        qos: 0
      })
  }, 10)
  return {
    stop() {
      clearInterval(timer)
      return sent
    }
  }
}

/** Runs in the page: types into the topic filter a character at a time (see typeFilter). */
const TYPE_IN_PAGE = `async (value) => {
  const input = document.querySelector('input[aria-label="Filter topics"]')
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set
  const times = []
  for (let i = 0; i <= value.length; i++) {
    const t0 = performance.now()
    setValue.call(input, value.slice(0, i))
    input.dispatchEvent(new Event('input', { bubbles: true }))
    // The next frame has been drawn when a task queued from its rAF runs.
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))
    if (i > 0) times.push(performance.now() - t0)
  }
  return times
}`

/** Types `text` into the topic filter a character at a time; ms until each answer is painted. */
function typeFilter(page: Page, text: string): Promise<number[]> {
  return page.evaluate(`(${TYPE_IN_PAGE})(${JSON.stringify(text)})`) as Promise<number[]>
}

function runWorker(args: string[], script = 'explorer-ingest-worker.ts', node: string[] = []) {
  const child = spawn(
    process.execPath,
    [...node, '--import', 'tsx', path.join(here, 'workers', script), ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  )
  const lines: string[] = []
  const waiters: ((line: string) => void)[] = []
  let buffer = ''
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString()
    for (let nl; (nl = buffer.indexOf('\n')) >= 0;) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
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
        () => reject(new Error(`ingest worker: no answer in ${timeoutMs} ms`)),
        timeoutMs
      )
      waiters.push((line) => {
        clearTimeout(timer)
        resolve(line)
      })
    })
  return { child, next }
}

/** Messages a second: the bare mqtt.js subscriber and the app's core, same stream. */
async function ingest(topics: number): Promise<{ bare: number[]; ours: number[] }> {
  const broker = await startMosquitto({ anonymous: true, password: false, quiet: true })
  const rates = { bare: [] as number[], ours: [] as number[] }
  try {
    for (let trial = 0; trial < INGEST_TRIALS; trial++) {
      for (const mode of ['bare', 'ours'] as const) {
        const prefix = `ingest${trial}${mode}`
        const worker = runWorker([
          mode,
          String(broker.ports.anonymous),
          String(INGEST_MESSAGES),
          prefix
        ])
        if ((await worker.next(30_000)) !== 'ready') throw new Error(`${mode} worker not ready`)
        const client = await mqtt.connectAsync(broker.url('anonymous'), {
          clientId: `pub-${prefix}`
        })
        const start = Date.now()
        for (let i = 0; i < INGEST_MESSAGES; i++) {
          const ok = client.publish(
            `${prefix}/${benchTopic(i % topics)}`,
            String(20 + (i % 100) / 10),
            { qos: 0 }
          )
          if (!ok || i % 2000 === 0) await new Promise((r) => setImmediate(r))
        }
        const { lastAt, received } = JSON.parse(await worker.next(180_000)) as {
          lastAt: number
          received: number
        }
        rates[mode].push(received / ((lastAt - start) / 1000))
        await client.endAsync()
        worker.child.kill()
      }
    }
  } finally {
    await broker.close()
  }
  return rates
}

const bench: Bench = {
  title: 'Topic explorer (100,000 topics, 10,000 msg/s, serve mode, Chromium)',
  async run(): Promise<BenchResult[]> {
    const available = mosquittoAvailable()
    if (!available.ok) throw new Error(`Mosquitto is not installed: ${available.reason}`)
    const broker = await startMosquitto({ anonymous: true, password: false, quiet: true })
    const app = await startServe([], { env: INSPECT_ENV })
    const browser = await launchChromium()
    const publisher = await mqtt.connectAsync(broker.url('anonymous'), { clientId: 'explorer-pub' })
    const results: BenchResult[] = []
    try {
      const api = await connectWsApi(app.url)
      await api.invoke('settings:save-profile', {
        profile: newProfile('bench', {
          name: 'Bench',
          host: broker.host,
          port: broker.ports.anonymous,
          clientId: 'explorer-bench-app',
          topics: [{ filter: 'bench/#', qos: 0 } as never]
        })
      })
      await api.invoke('connection:open', { profileId: 'bench' })
      await waitForConnected(api, 'bench')
      // A quiet broker does not log subscriptions: a probe that arrives says it is in place.
      await waitUntil(async () => {
        await publisher.publishAsync('bench/probe', '1')
        return (await seriesValues(api, 'bench/probe', 'value')).length > 0
      }, 'the app to subscribe')
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
      await page.goto(app.url)
      await page.getByText('1 topic', { exact: true }).waitFor({ timeout: 30_000 })
      await new Promise((r) => setTimeout(r, 2000))
      const pid = app.process.pid!
      const inspector = inspectorUrl(app.output())
      const idle = { core: await coreRss(pid, inspector), heap: await jsHeapMB(page) }

      // Every topic once, then wait for the tree to have them all.
      await publishAll(publisher, TOPICS)
      await page
        .getByText(`${(TOPICS + 1).toLocaleString('en-US')} topics`, { exact: true })
        .waitFor({ timeout: 180_000 })

      const running = publishAtRate(publisher)
      await new Promise((r) => setTimeout(r, WARMUP_MS))
      const answers: number[] = []
      const slowest: string[] = []
      for (const f of FILTERS) {
        const times = await typeFilter(page, f)
        const k = times.indexOf(Math.max(...times))
        slowest.push(`"${f.slice(0, k + 1)}" ${fmt(times[k], 1)} ms`)
        answers.push(...times)
      }
      // Left typed: the bench's filter, its matches opened in the tree.
      await typeFilter(page, FILTERS[0])
      await new Promise((r) => setTimeout(r, WARMUP_MS))
      await browser.startTracing(page, { categories: ['toplevel', 'cc'] })
      await new Promise((r) => setTimeout(r, MEASURE_MS))
      const trace = JSON.parse((await browser.stopTracing()).toString()) as {
        traceEvents: TraceEvent[]
      }
      const sent = running.stop()
      const frames = frameTimes(trace.traceEvents)
      await new Promise((r) => setTimeout(r, 2000))
      const after = { core: await coreRss(pid, inspector), heap: await jsHeapMB(page) }
      // The same page with the topic panel hidden (its mirror let go): the explorer's share.
      await page.getByRole('button', { name: 'Hide topics' }).click()
      await new Promise((r) => setTimeout(r, 2000))
      const hiddenHeap = await jsHeapMB(page)
      const resumed = publishAtRate(publisher)
      await new Promise((r) => setTimeout(r, WARMUP_MS))
      await browser.startTracing(page, { categories: ['toplevel', 'cc'] })
      await new Promise((r) => setTimeout(r, MEASURE_MS))
      const hiddenTrace = JSON.parse((await browser.stopTracing()).toString()) as {
        traceEvents: TraceEvent[]
      }
      resumed.stop()
      const hiddenFrames = frameTimes(hiddenTrace.traceEvents)
      const snapshot = await api.invoke('topics:snapshot')
      const history = await api.invoke('topics:history', { nodeId: snapshot.roots[0].id, limit: 1 })
      await api.close()

      const p99 = percentile(frames.all, 99)
      const mid = median(frames.working)
      const frameNote = `${fmt(frames.all.length)} frame slots of 16.7 ms in ${MEASURE_MS / 1000} s (${fmt(frames.working.length)} with work), ${fmt(sent)} messages published; busiest slot ${fmt(
        frames.all.reduce((a, b) => Math.max(a, b), 0),
        1
      )} ms`
      results.push(
        {
          name: 'Main-thread time per 60 Hz frame, p99',
          ours: `${fmt(p99, 1)} ms`,
          reference: 'budget 16 ms',
          ...atMost(p99 / 16, 1),
          note: `${frameNote}; with the topic panel hidden: p99 ${fmt(percentile(hiddenFrames.all, 99), 1)} ms, median with work ${fmt(median(hiddenFrames.working), 1)} ms (${fmt(hiddenFrames.working.length)} slots with work)`
        },
        {
          name: 'Main-thread time per 60 Hz frame with work, median',
          ours: `${fmt(mid, 1)} ms`,
          reference: 'budget 4 ms',
          ...atMost(mid / 4, 1)
        }
      )
      const worst = Math.max(...answers)
      results.push({
        name: `Filter over ${fmt(TOPICS)} topics, slowest keystroke to painted answer`,
        ours: `${fmt(worst, 1)} ms`,
        reference: 'budget 50 ms',
        ...atMost(worst / 50, 1),
        note: `${answers.length} keystrokes typing ${FILTERS.map((f) => `"${f}"`).join(', ')}; median ${fmt(median(answers), 1)} ms; slowest of each: ${slowest.join(', ')}`
      })
      results.push({
        name: 'Message history within its budget',
        ours: `${fmt(history.usedBytes / MB, 1)} MB`,
        reference: `budget ${fmt(history.budgetBytes / MB)} MB`,
        ...atMost(history.usedBytes / history.budgetBytes, 1)
      })
      const memoryWorker = runWorker([String(TOPICS), '400000'], 'explorer-memory-worker.ts', [
        '--expose-gc'
      ])
      const alone = JSON.parse(await memoryWorker.next(120_000)) as {
        heap: number
        buffers: number
      }
      const coreGrowth = after.core.held - idle.core.held
      const heapGrowth = after.heap - idle.heap
      results.push(
        {
          name: 'Core RSS above idle (default 64 MB history)',
          ours: `${fmt(coreGrowth)} MB`,
          reference: 'budget 150 MB',
          ...atMost(coreGrowth / 150, 1),
          note: `after a full collection, as the page's heap: core RSS idle ${fmt(idle.core.held)} MB, after ${fmt(after.core.held)} MB (sampled before it: idle ${fmt(idle.core.sampled)} MB, after ${fmt(after.core.sampled)} MB, ${fmt(after.core.sampled - idle.core.sampled)} MB above); the explorer alone (tree and history, same topics, own process): heap ${fmt(alone.heap)} MB + buffers ${fmt(alone.buffers)} MB`
        },
        {
          name: 'Page JS heap above idle',
          ours: `${fmt(heapGrowth)} MB`,
          reference: 'budget 150 MB',
          ...atMost(heapGrowth / 150, 1),
          note: `JS heap idle ${fmt(idle.heap)} MB, after ${fmt(after.heap)} MB, ${fmt(hiddenHeap)} MB with the topic panel hidden (its tree: ${fmt(after.heap - hiddenHeap)} MB)`
        }
      )
    } finally {
      await publisher.endAsync().catch(() => undefined)
      await browser.close()
      await app.stop()
      await broker.close()
    }
    for (const topics of INGEST_TOPICS) {
      const rates = await ingest(topics)
      const bare = median(rates.bare)
      const ours = median(rates.ours)
      results.push({
        name: `Ingest with the explorer on, ${fmt(INGEST_MESSAGES)} messages over ${fmt(topics)} topics (msg/s)`,
        ours: fmt(ours),
        reference: `bare mqtt.js ${fmt(bare)}`,
        ...atLeast(ours / bare, 0.8),
        note: `medians of ${INGEST_TRIALS}; ours ${rates.ours.map((r) => fmt(r)).join(', ')}; bare ${rates.bare.map((r) => fmt(r)).join(', ')}`
      })
    }
    return results
  }
}

export default bench
