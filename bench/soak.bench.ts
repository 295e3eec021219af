// Soak: 1,000 messages a second over 200 topics (3-field CSV each, so 600 series, all charted) on a real
// Mosquitto, the app in serve mode with its page open in headless Chromium, for 10 minutes
// (SOAK_MINUTES=2 for a quick run). Every field of a payload is its publish time, so the
// page's frame probe (?bench=1, see bench/app-page/bench-probe.ts) can tell how long
// each drawn value took from publish to screen. Measured: that delay's p99 in the first and in
// the last minute, the server's RSS growth after the first minute, and that every published
// message was counted and captured.
import mqtt from 'mqtt'
import { mosquittoAvailable, startMosquitto } from '../test-support/mosquitto'
import { startServe } from '../test-support/serve'
import { benchPageEnv } from './app-page/app-page'
import { waitUntil } from '../test-support/wait'
import { connectWsApi, type WsApi } from '../test-support/ws-api'
import type { SeriesDef, TopicStat } from '../src/shared/types'
import { atMost, fmt, rssBytes as rss, type Bench, type BenchResult } from './bench-lib'
import { launchChromium } from './chart-page/harness'

const RATE = 1000
const TOPICS = 200
const SERIES_PER_CHART = 50
const MINUTE = 60_000
const LATENCY_BUDGET_MS = 250
const RSS_BUDGET_MB = 30
const CLIENT_ID = 'soak-bench-app'
const READY_TOPIC = 'soak-ready'
const topicName = (i: number): string => `soak/t${String(i).padStart(3, '0')}`

interface Probe {
  summary(): { count: number; median: number; p99: number; max: number; frames: number }
  summaryOnly: boolean
  reset(): void
}
type PageGlobal = { __mlmBench?: Probe }

function minutes(): number {
  const raw = process.env.SOAK_MINUTES
  const n = raw === undefined ? 10 : Number(raw)
  if (!(n >= 2)) throw new Error('SOAK_MINUTES must be at least 2 (a first and a last minute)')
  return n
}

/**
 * The topic explorer's message history budget in MB: the app's default (64) unless
 * SOAK_HISTORY_MB sets another, to see how much of the growth is that history filling up.
 */
function historyMB(): number | undefined {
  const raw = process.env.SOAK_HISTORY_MB
  return raw === undefined ? undefined : Number(raw)
}

/** The explorer's kept messages, in bytes, and their budget. */
async function historyUse(api: WsApi): Promise<{ used: number; budget: number }> {
  const tree = await api.invoke('topics:snapshot')
  for (let i = tree.ids.length - 1; i >= 0; i--) {
    const h = await api
      .invoke('topics:history', { nodeId: tree.ids[i], limit: 1 })
      .catch(() => null)
    if (h) return { used: h.usedBytes, budget: h.budgetBytes }
  }
  return { used: NaN, budget: NaN }
}

/**
 * Publishes RATE messages a second at QoS 1, round robin over the topics, each field the
 * publish time (the fraction, under 1 ms, keeps repeated values apart). Counts what the
 * broker acknowledged.
 */
function publishAtRate(client: mqtt.MqttClient): { stop(): Promise<number>; sent(): number } {
  const started = Date.now()
  let sent = 0
  let acked = 0
  let failed: Error | null = null
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) * RATE) / 1000)
    for (; sent < due; sent++) {
      const now = String(Date.now() + (sent % 1000) / 1000)
      client.publish(topicName(sent % TOPICS), `${now},${now},${now}`, { qos: 1 }, (error) => {
        if (error) failed = error
        else acked++
      })
    }
  }, 5)
  return {
    sent: () => sent,
    async stop() {
      clearInterval(timer)
      await waitUntil(() => {
        if (failed) throw failed
        return acked === sent
      }, 'the broker to acknowledge every publish')
      return sent
    }
  }
}

interface Minute {
  p99: number
  median: number
  values: number
  frames: number
}

/** The last minute's delays (summarized in the page, to hold up no frame), then a reset. */
async function takeMinute(page: import('@playwright/test').Page): Promise<Minute> {
  const m = await page.evaluate(() => {
    const probe = (globalThis as PageGlobal).__mlmBench!
    const summary = probe.summary()
    probe.reset()
    return summary
  })
  if (m.count === 0) return { p99: Infinity, median: Infinity, values: 0, frames: m.frames }
  return { p99: m.p99, median: m.median, values: m.count, frames: m.frames }
}

/** Messages counted on the soak topics so far. */
const soakMessages = (snap: { topics: TopicStat[] }): number =>
  snap.topics.filter((s) => s.topic.startsWith('soak/')).reduce((n, s) => n + s.messages, 0)

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * A connection with 600 series is charted only as the user picks: the bench picks all of them,
 * 12 charts of 50 series (the most one chart takes), saved as the dashboard layout.
 */
async function chartEverySeries(api: WsApi, publisher: mqtt.MqttClient): Promise<void> {
  let defs: SeriesDef[] = []
  await waitUntil(
    async () => {
      const now = String(Date.now())
      for (let i = 0; i < TOPICS; i++)
        publisher.publish(topicName(i), `${now},${now},${now}`, { qos: 1 })
      const snap = await api.invoke('capture:snapshot', { maxPointsPerSeries: 1 })
      defs = snap.defs.filter((d) => d.topic.startsWith('soak/'))
      return defs.length >= TOPICS * 3
    },
    'all 600 series to exist',
    30_000
  )
  const charts = []
  for (let i = 0; i < defs.length; i += SERIES_PER_CHART) {
    charts.push({
      id: `soak-${i / SERIES_PER_CHART}`,
      series: defs
        .slice(i, i + SERIES_PER_CHART)
        .map((d) => ({ connection: d.connection, topic: d.topic, field: d.field })),
      hidden: []
    })
  }
  await api.invoke('settings:save-ui', { layout: { version: 1, charts } })
}

const bench: Bench = {
  title: 'Soak: 1,000 msg/s, 200 topics, 600 series (Mosquitto, serve mode, Chromium)',
  async run(): Promise<BenchResult[]> {
    const available = mosquittoAvailable()
    if (!available.ok) throw new Error(`Mosquitto is not installed: ${available.reason}`)
    const total = minutes()
    const broker = await startMosquitto({ anonymous: true, password: false, quiet: true })
    const app = await startServe([], { env: await benchPageEnv() })
    const browser = await launchChromium()
    const publisher = await mqtt.connectAsync(broker.url('anonymous'), { clientId: 'soak-pub' })
    const pid = app.process.pid!
    try {
      const api = await connectWsApi(app.url)
      await api.invoke('settings:save-profile', {
        profile: {
          id: 'soak',
          name: 'Soak bench',
          host: broker.host,
          port: broker.ports.anonymous,
          clientId: CLIENT_ID,
          topics: [
            { filter: 'soak/#', qos: 0, decoder: { format: 'csv' } },
            { filter: READY_TOPIC, qos: 1, decoder: { format: 'raw' } }
          ]
        }
      })
      await api.invoke('connection:open', { profileId: 'soak' })
      // Subscribed once a message on the ready topic is counted (the quiet broker does not log
      // subscriptions).
      await waitUntil(
        async () => {
          await publisher.publishAsync(READY_TOPIC, '1', { qos: 1 })
          const snap = await api.invoke('capture:snapshot', { maxPointsPerSeries: 1 })
          return snap.topics.some((s) => s.topic === READY_TOPIC)
        },
        'the app to subscribe',
        20_000
      )
      const history = historyMB()
      if (history !== undefined) await api.invoke('topics:save-settings', { historyMB: history })
      await chartEverySeries(api, publisher)
      // Tall enough to show every chart at once.
      const page = await browser.newPage({ viewport: { width: 1280, height: 4800 } })
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      const url = new URL(app.url)
      url.searchParams.set('bench', '1')
      await page.goto(url.href)
      await page.waitForFunction('window.__mlmBench !== undefined')
      await page.evaluate(() => ((globalThis as PageGlobal).__mlmBench!.summaryOnly = true))
      // The values published to create the series are drawn first: not part of the measure.
      await sleep(2000)
      await page.evaluate(() => (globalThis as PageGlobal).__mlmBench!.reset())
      // What the set-up published is not part of the count: a new capture, and the topics'
      // counts so far.
      await api.invoke('capture:new')
      const countedBefore = soakMessages(
        await api.invoke('capture:snapshot', { maxPointsPerSeries: 1 })
      )

      const publishing = publishAtRate(publisher)
      const rssSamples: { at: number; bytes: number }[] = []
      const started = Date.now()
      const sampler = setInterval(() => {
        rssSamples.push({ at: Date.now() - started, bytes: rss(pid) })
      }, 5000)
      const perMinute: Minute[] = []
      let rssAfterFirst = 0
      for (let m = 1; m <= total; m++) {
        await sleep(started + m * MINUTE - Date.now())
        perMinute.push(await takeMinute(page))
        if (m === 1) rssAfterFirst = rss(pid)
        const last = perMinute[perMinute.length - 1]
        console.log(
          `   minute ${m}: p99 ${fmt(last.p99, 1)} ms, median ${fmt(last.median, 1)} ms, ${fmt(last.values)} values drawn, ${fmt(last.frames)} frames; server RSS ${fmt(rss(pid) / 1048576, 1)} MB`
        )
      }
      clearInterval(sampler)
      const sent = await publishing.stop()
      const after = await connectWsApi(app.url)
      let counted = 0
      let captured = 0
      // Everything acknowledged by the broker reaches the app within moments.
      await waitUntil(
        async () => {
          const snap = await after.invoke('capture:snapshot', { maxPointsPerSeries: 1 })
          counted = soakMessages(snap) - countedBefore
          const list = await after.invoke('capture:list')
          captured = list.find((c) => c.active)?.messages ?? 0
          return counted >= sent && captured >= sent
        },
        'the app to count every published message',
        30_000
      ).catch(() => undefined)
      const kept = await historyUse(after)
      await after.close()
      await api.close()
      if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`)

      const first = perMinute[0]
      const last = perMinute[perMinute.length - 1]
      const laterRss = rssSamples.filter((s) => s.at > MINUTE).map((s) => s.bytes)
      const growth = (Math.max(rssAfterFirst, ...laterRss) - rssAfterFirst) / 1048576
      const minuteNote = perMinute
        .map((m, i) => `${i + 1}: ${fmt(m.p99)}/${fmt(m.median)} ms, ${fmt(m.frames)} frames`)
        .join('; ')
      return [
        {
          name: `Publish -> painted, first minute, p99`,
          ours: `${fmt(first.p99, 1)} ms`,
          reference: `budget ${LATENCY_BUDGET_MS} ms`,
          ...atMost(first.p99 / LATENCY_BUDGET_MS, 1.0),
          note: `p99/median per minute: ${minuteNote}`
        },
        {
          name: `Publish -> painted, minute ${total}, p99`,
          ours: `${fmt(last.p99, 1)} ms`,
          reference: `budget ${LATENCY_BUDGET_MS} ms`,
          ...atMost(last.p99 / LATENCY_BUDGET_MS, 1.0)
        },
        {
          name: `Server RSS growth from minute 1 to ${total}`,
          ours: `${fmt(growth, 1)} MB`,
          reference: `budget ${RSS_BUDGET_MB} MB`,
          ...atMost(growth / RSS_BUDGET_MB, 1.0),
          note: `RSS ${fmt(rssAfterFirst / 1048576, 1)} MB after minute 1, ${fmt(rss(pid) / 1048576, 1)} MB at the end; the topic explorer keeps ${fmt(kept.used / 1048576, 1)} MB of messages (budget ${fmt(kept.budget / 1048576)} MB${history === undefined ? ', the default' : ', SOAK_HISTORY_MB'})`
        },
        {
          name: 'Messages counted and captured / published',
          ours: `${fmt(Math.min(counted, captured))} (counted ${fmt(counted)}, captured ${fmt(captured)})`,
          reference: `${fmt(sent)} published`,
          ratio: Math.min(counted, captured) / sent,
          goal: '= 1',
          pass: counted === sent && captured === sent
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
