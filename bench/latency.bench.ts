// Publish-to-screen latency: 1,000 messages per second on a real Mosquitto, the app in serve
// mode, its page in headless Chromium. Each payload is its publish time (Date.now()); the
// page (?bench=1, see src/renderer/src/charts/bench-probe.ts) records for every drawn value
// the wall-clock time after the frame that drew it was painted, minus that value.
// Same machine, so Node's Date.now() and the page's timeOrigin + now() share a clock.
import * as fs from 'node:fs'
import mqtt from 'mqtt'
import { mosquittoAvailable, startMosquitto } from '../test-support/mosquitto'
import { startServe } from '../test-support/serve'
import { waitUntil } from '../test-support/wait'
import { connectWsApi } from '../test-support/ws-api'
import { atMost, fmt, median, percentile, type Bench, type BenchResult } from './bench-lib'
import { launchChromium } from './chart-page/harness'

const RATE = 1000
const WARMUP_MS = 3000
const MEASURE_MS = 15_000
const TOPIC = 'bench/latency'
const CLIENT_ID = 'latency-bench-app'

interface Probe {
  latencies: Record<string, number[]>
  reset(): void
}
type PageGlobal = { __mlmBench?: Probe }

/** Publishes RATE messages a second, each carrying its publish time, until stopped. */
function publishAtRate(client: mqtt.MqttClient): { stop(): number } {
  const started = Date.now()
  let sent = 0
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) * RATE) / 1000)
    // The fraction (< 1 ms, so latencies read at most 1 ms high) keeps values distinct: the
    // chart merges a repeated reading (same time, same value) into one point.
    for (; sent < due; sent++) {
      client.publish(TOPIC, String(Date.now() + (sent % 1000) / 1000), { qos: 0 })
    }
  }, 5)
  return {
    stop() {
      clearInterval(timer)
      return sent
    }
  }
}

const bench: Bench = {
  title: 'Publish to screen (Mosquitto, serve mode, Chromium)',
  async run(): Promise<BenchResult[]> {
    const available = mosquittoAvailable()
    if (!available.ok) throw new Error(`Mosquitto is not installed: ${available.reason}`)
    const broker = await startMosquitto({ anonymous: true, password: false })
    const app = await startServe([])
    const browser = await launchChromium()
    const publisher = await mqtt.connectAsync(broker.url('anonymous'), { clientId: 'latency-pub' })
    try {
      const api = await connectWsApi(app.url)
      await api.invoke('settings:save-profile', {
        profile: {
          id: 'latency',
          name: 'Latency bench',
          host: broker.host,
          port: broker.ports.anonymous,
          clientId: CLIENT_ID,
          topics: [{ filter: TOPIC, qos: 0, decoder: { format: 'number' } }]
        }
      })
      await api.invoke('connection:open', { profileId: 'latency' })
      await waitUntil(
        () =>
          fs.readFileSync(broker.logFile, 'utf8').includes(`Received SUBSCRIBE from ${CLIENT_ID}`),
        'the app to subscribe'
      )
      await api.close()
      const page = await browser.newPage()
      const url = new URL(app.url)
      url.searchParams.set('bench', '1')
      await page.goto(url.href)
      await page.waitForFunction('window.__mlmBench !== undefined')

      const publishing = publishAtRate(publisher)
      await page.waitForFunction(
        (topic) => ((globalThis as PageGlobal).__mlmBench?.latencies[topic]?.length ?? 0) > 0,
        TOPIC,
        { timeout: 20_000 }
      )
      await new Promise((resolve) => setTimeout(resolve, WARMUP_MS))
      await page.evaluate(() => (globalThis as PageGlobal).__mlmBench?.reset())
      const before = publishing.stop() // counts restart below
      const measuring = publishAtRate(publisher)
      await new Promise((resolve) => setTimeout(resolve, MEASURE_MS))
      const sent = measuring.stop()
      // Let the last messages reach the screen before reading.
      await new Promise((resolve) => setTimeout(resolve, 1000))
      const latencies = await page.evaluate(
        (topic) => (globalThis as PageGlobal).__mlmBench?.latencies[topic] ?? [],
        TOPIC
      )
      if (latencies.length === 0) throw new Error('no published value reached the screen')
      const p99 = percentile(latencies, 99)
      return [
        {
          name: `Publish -> painted at ${fmt(RATE)} msg/s, p99`,
          ours: `${fmt(p99, 1)} ms`,
          reference: 'budget 100 ms',
          ...atMost(p99 / 100, 1.0),
          note: `${fmt(latencies.length)} values seen on screen of ${fmt(sent)} published in ${MEASURE_MS / 1000} s (after ${fmt(before)} warm-up); median ${fmt(median(latencies), 1)} ms, max ${fmt(Math.max(...latencies), 1)} ms`
        }
      ]
    } finally {
      await publisher.endAsync().catch(() => undefined)
      await browser.close()
      await app.stop()
      await broker.close()
    }
  }
}

export default bench
