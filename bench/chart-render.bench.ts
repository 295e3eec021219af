// Chart drawing in headless Chromium, through the app's own chart modules:
// - first draw of 3 series x 1,000,000 points in a 1000 x 400 plot until the frame is
//   painted, against uPlot 1.6.32 on the same data in the same browser;
// - streaming 1,000 points per second per series with the 3 x 1,000,000 points in view:
//   per-frame update + draw time against the 4 ms (median) and 16 ms (p99) budgets.
import { atMost, fmt, median, percentile, type Bench, type BenchResult } from './bench-lib'
import { openChartPage } from './chart-page/harness'

const POINTS = 1_000_000
const SERIES = 3
const REPS = 7
const STREAM_SECONDS = 15

/** The page's API (src/renderer/src/charts/bench/chart-bench-page.ts). */
interface PageApi {
  makeData(n: number, series: number): void
  firstDrawOurs(): Promise<{ ms: number; points: number }>
  firstDrawUplot(): Promise<{ ms: number; plot: [number, number] }>
  stream(
    seconds: number,
    rate: number
  ): Promise<{ frames: number[]; elapsed: number; inView: number; points: number }>
}
/** What page.evaluate callbacks see as globalThis (they run in the page, not here). */
type Page = { chartBench: PageApi }

const bench: Bench = {
  title: 'Chart drawing (Chromium)',
  async run(): Promise<BenchResult[]> {
    const { page, close } = await openChartPage()
    try {
      await page.evaluate(
        ([n, s]) => (globalThis as unknown as Page).chartBench.makeData(n, s),
        [POINTS, SERIES]
      )
      const ours: number[] = []
      const uplot: number[] = []
      let drawn = 0
      let uplotPlot: [number, number] = [0, 0]
      // One warm-up each, then alternate so both meet the same machine state.
      for (let rep = 0; rep <= REPS; rep++) {
        const a = await page.evaluate(() =>
          (globalThis as unknown as Page).chartBench.firstDrawOurs()
        )
        const b = await page.evaluate(() =>
          (globalThis as unknown as Page).chartBench.firstDrawUplot()
        )
        drawn = a.points
        uplotPlot = b.plot
        if (rep > 0) {
          ours.push(a.ms)
          uplot.push(b.ms)
        }
      }
      if (!(drawn > 0)) throw new Error('our chart drew nothing')
      const first = median(ours) / median(uplot)

      await page.evaluate(
        ([n, s]) => (globalThis as unknown as Page).chartBench.makeData(n, s),
        [POINTS, SERIES]
      )
      const s = await page.evaluate(
        ([seconds, rate]) => (globalThis as unknown as Page).chartBench.stream(seconds, rate),
        [STREAM_SECONDS, 1000]
      )
      const med = median(s.frames)
      const p99 = percentile(s.frames, 99)
      const fps = (s.frames.length / s.elapsed) * 1000
      const streamNote = `${s.frames.length} frames in ${fmt(s.elapsed / 1000, 1)} s (${fmt(fps, 1)} fps, slowest ${fmt(Math.max(...s.frames), 1)} ms), ${fmt(s.inView)} points per series at the end, ${fmt(s.points)} shown in the last frame`
      return [
        {
          name: `First draw, ${SERIES} x ${fmt(POINTS)} points, 1000x400 (ms to painted)`,
          ours: `${fmt(median(ours), 1)} ms`,
          reference: `uPlot 1.6.32 ${fmt(median(uplot), 1)} ms`,
          ...atMost(first, 1.0),
          note: `median of ${REPS} after a warm-up; ours ${ours.map((x) => fmt(x)).join('/')} ms, uPlot ${uplot.map((x) => fmt(x)).join('/')} ms; uPlot plot area ${fmt(uplotPlot[0])}x${fmt(uplotPlot[1])}`
        },
        {
          name: 'Streaming 3 x 1,000 pts/s, 1M in view: median update+draw per frame',
          ours: `${fmt(med, 2)} ms`,
          reference: 'budget 4 ms',
          ...atMost(med / 4, 1.0),
          note: streamNote
        },
        {
          name: 'Streaming 3 x 1,000 pts/s, 1M in view: p99 update+draw per frame',
          ours: `${fmt(p99, 2)} ms`,
          reference: 'budget 16 ms',
          ...atMost(p99 / 16, 1.0)
        }
      ]
    } finally {
      await close()
    }
  }
}

export default bench
