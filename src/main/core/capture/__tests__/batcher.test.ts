import { describe, expect, it } from 'vitest'
import type { CaptureBatch, SeriesDef, TopicStat, TopicStatRows } from '../../../../shared/types'
import { Batcher } from '../batcher'
import { seriesOfRuns, statRows, statsOfRows } from '../../../../shared/batch-columns'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function def(id: number): SeriesDef {
  return { id, connection: 'lab', topic: `t/${id}`, field: 'v', unit: '' }
}

/** Concatenates every batch's points per series, in arrival order. */
function merged(batches: CaptureBatch[]): Map<number, { t: number[]; v: number[] }> {
  const out = new Map<number, { t: number[]; v: number[] }>()
  for (const batch of batches) {
    for (const s of seriesOfRuns(batch.points)) {
      const m = out.get(s.id) ?? { t: [], v: [] }
      m.t.push(...s.t)
      m.v.push(...s.v)
      out.set(s.id, m)
    }
  }
  return out
}

const noTopics = (): TopicStatRows => statRows([])

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await sleep(5)
  }
}

describe('Batcher', () => {
  it('turns 10,000 adds spread over time into a few batches, losing and reordering nothing', async () => {
    const defs = [def(1), def(2), def(3)]
    const batcher = new Batcher(() => defs, noTopics, 50)
    const batches: CaptureBatch[] = []
    const unsubscribe = batcher.subscribe((b) => batches.push(b))
    const sent = new Map<number, { t: number[]; v: number[] }>(
      defs.map((d) => [d.id, { t: [], v: [] }])
    )
    // 10,000 adds in 40 bursts about 10 ms apart: ~400 ms of traffic.
    for (let burst = 0; burst < 40; burst++) {
      for (let i = 0; i < 250; i++) {
        const n = burst * 250 + i
        const id = 1 + (n % 3)
        const t = 1_700_000_000_000 + n
        batcher.add(id, t, n * 0.5)
        sent.get(id)!.t.push(t)
        sent.get(id)!.v.push(n * 0.5)
      }
      await sleep(10)
    }
    await sleep(120)
    unsubscribe()
    const got = merged(batches)
    for (const d of defs) expect(got.get(d.id)).toEqual(sent.get(d.id))
    // ~400 ms at one batch per ~50 ms; the point is: nowhere near one per add.
    expect(batches.length).toBeGreaterThanOrEqual(3)
    expect(batches.length).toBeLessThan(40)
  })

  it('groups interleaved points by series, in the order the series got their first point', () => {
    const batcher = new Batcher(() => [], noTopics, 10_000)
    const batches: CaptureBatch[] = []
    const unsubscribe = batcher.subscribe((b) => batches.push(b))
    const adds: [number, number][] = [
      [30, 1],
      [7, 2],
      [30, 3],
      [100_000, 4],
      [7, 5],
      [30, 6]
    ]
    for (const [id, t] of adds) batcher.add(id, t, -t)
    batcher.flush()
    expect(batches).toHaveLength(1)
    expect(
      seriesOfRuns(batches[0].points).map((s) => [s.id, Array.from(s.t), Array.from(s.v)])
    ).toEqual([
      [30, [1, 3, 6], [-1, -3, -6]],
      [7, [2, 5], [-2, -5]],
      [100_000, [4], [-4]]
    ])
    // The next batch starts afresh: a new order, only new points.
    batcher.add(7, 10, 0)
    batcher.add(30, 11, 0)
    batcher.flush()
    expect(seriesOfRuns(batches[1].points).map((s) => [s.id, Array.from(s.t)])).toEqual([
      [7, [10]],
      [30, [11]]
    ])
    unsubscribe()
  })

  it('sends one point each for 100,000 series in one batch', () => {
    const batcher = new Batcher(() => [], noTopics, 10_000)
    const batches: CaptureBatch[] = []
    const unsubscribe = batcher.subscribe((b) => batches.push(b))
    for (let id = 100_000; id >= 1; id--) batcher.add(id, id, id / 2)
    batcher.flush()
    const series = seriesOfRuns(batches[0].points)
    expect(series).toHaveLength(100_000)
    expect(
      series.every((s, i) => s.id === 100_000 - i && s.t[0] === s.id && s.v[0] === s.id / 2)
    ).toBe(true)
    expect(series.every((s) => s.t.length === 1 && s.v.length === 1)).toBe(true)
    unsubscribe()
  })

  it('flushes early, without waiting for the timer, when the size cap is reached', () => {
    const batcher = new Batcher(() => [], noTopics, 10_000, 100)
    const batches: CaptureBatch[] = []
    const unsubscribe = batcher.subscribe((b) => batches.push(b))
    for (let i = 0; i < 250; i++) batcher.add(1, i, i)
    expect(batches.map((b) => seriesOfRuns(b.points)[0].t.length)).toEqual([100, 100])
    expect(seriesOfRuns(batches[1].points)[0].v[0]).toBe(100)
    unsubscribe()
  })

  it('sends batches on time while the event loop never returns (a flood in one long read)', () => {
    const batcher = new Batcher(() => [def(1)], noTopics, 50)
    const batches: CaptureBatch[] = []
    batcher.subscribe((b) => batches.push(b))
    // 300 ms without yielding: no timer can run, as when libuv reads a busy socket again and
    // again. The batches must go out from add() itself, about every 50 ms.
    const start = Date.now()
    let n = 0
    while (Date.now() - start < 300) {
      batcher.add(1, n, n++)
      // About 10 µs a message, as ingest takes: well under the size cap in 300 ms.
      const until = performance.now() + 0.01
      while (performance.now() < until);
    }
    expect(n).toBeLessThan(250_000)
    expect(batches.length).toBeGreaterThanOrEqual(3)
    batcher.flush()
    // Every point once, in order.
    let next = 0
    let inOrder = true
    for (const b of batches)
      for (const s of seriesOfRuns(b.points)) for (const v of s.v) inOrder &&= v === next++
    expect(inOrder).toBe(true)
    expect(next).toBe(n)
    batcher.dispose()
  })

  it('collects nothing while nobody listens', async () => {
    const batcher = new Batcher(() => [def(1)], noTopics, 20)
    for (let i = 0; i < 1000; i++) batcher.add(1, i, i)
    const batches: CaptureBatch[] = []
    const unsubscribe = batcher.subscribe((b) => batches.push(b))
    await until(() => batches.length > 0)
    expect(seriesOfRuns(batches[0].points)).toEqual([])
    batcher.add(1, 5000, 42)
    await until(() => batches.length > 1)
    expect(merged(batches).get(1)).toEqual({ t: [5000], v: [42] })
    unsubscribe()
  })

  it('drops what was pending when the last listener leaves', async () => {
    const batcher = new Batcher(() => [], noTopics, 20)
    const first: CaptureBatch[] = []
    const unsubscribe = batcher.subscribe((b) => first.push(b))
    batcher.add(1, 1, 1)
    unsubscribe()
    const second: CaptureBatch[] = []
    const again = batcher.subscribe((b) => second.push(b))
    await until(() => second.length > 0)
    await sleep(40)
    expect(first).toEqual([])
    expect(second.flatMap((b) => seriesOfRuns(b.points))).toEqual([])
    again()
  })

  it("gives a new listener's first batch every known def, later batches only new ones", async () => {
    const defs = [def(1), def(2)]
    const batcher = new Batcher(() => defs, noTopics, 20)
    defs.push(def(3))
    batcher.addDef(def(3)) // nobody listens yet: not queued separately
    const first: CaptureBatch[] = []
    const unsubscribe = batcher.subscribe((b) => first.push(b))
    await until(() => first.length === 1)
    expect(first[0].defs.map((d) => d.id)).toEqual([1, 2, 3])

    defs.push(def(4))
    batcher.addDef(def(4))
    batcher.add(4, 1, 1) // a new series arrives with its first point
    await until(() => first.length === 2)
    expect(first[1].defs.map((d) => d.id)).toEqual([4])
    expect(seriesOfRuns(first[1].points).map((x) => x.id)).toEqual([4])

    const late: CaptureBatch[] = []
    const unsubscribeLate = batcher.subscribe((b) => late.push(b))
    await until(() => late.length === 1)
    expect(late[0].defs.map((d) => d.id)).toEqual([1, 2, 3, 4])
    unsubscribe()
    unsubscribeLate()
  })

  it('sends drained topic stats after touch(), and only to listeners', async () => {
    const queue: TopicStat[] = []
    const batcher = new Batcher(
      () => [],
      () => statRows(queue.splice(0)),
      20
    )
    queue.push({ connection: 'lab', topic: 'a', messages: 1, errors: 0 })
    batcher.touch() // nobody listens: no timer, nothing drained
    await sleep(40)
    expect(queue).toHaveLength(1)
    const batches: CaptureBatch[] = []
    const unsubscribe = batcher.subscribe((b) => batches.push(b))
    await until(() => batches.length === 1)
    expect(statsOfRows(batches[0].topics)).toEqual([
      { connection: 'lab', topic: 'a', messages: 1, errors: 0 }
    ])
    queue.push({ connection: 'lab', topic: 'b', messages: 3, errors: 1, lastError: 'bad' })
    batcher.touch()
    await until(() => batches.length === 2)
    expect(statsOfRows(batches[1].topics)).toEqual([
      { connection: 'lab', topic: 'b', messages: 3, errors: 1, lastError: 'bad' }
    ])
    expect(seriesOfRuns(batches[1].points)).toEqual([])
    unsubscribe()
  })

  it('keeps every point across hundreds of flushes, with series going quiet and coming back', () => {
    // Its one log of points is kept between batches, and let go of after a burst grew it.
    const batcher = new Batcher(() => [], noTopics, 10_000)
    const batches: CaptureBatch[] = []
    const unsubscribe = batcher.subscribe((b) => batches.push(b))
    const sent = new Map<number, { t: number[]; v: number[] }>()
    const add = (id: number, t: number, v: number): void => {
      batcher.add(id, t, v)
      const s = sent.get(id) ?? { t: [], v: [] }
      s.t.push(t)
      s.v.push(v)
      sent.set(id, s)
    }
    let t = 0
    for (let flush = 0; flush < 300; flush++) {
      // Series 1 only at the start and the end; series 2 always; a burst on series 3 once.
      if (flush < 5 || flush > 250) add(1, t++, flush)
      add(2, t++, -flush)
      if (flush === 100) for (let i = 0; i < 10_000; i++) add(3, t++, i)
      batcher.flush()
    }
    unsubscribe()
    const got = merged(batches)
    for (const [id, s] of sent) expect(got.get(id), `series ${id}`).toEqual(s)
    expect(batches.every((b) => seriesOfRuns(b.points).every((s) => s.t.length > 0))).toBe(true)
  })
})
