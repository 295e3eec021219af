import { describe, expect, it } from 'vitest'
import {
  FrameScheduler,
  MIN_BUDGET,
  MIN_COLUMNS,
  TARGET_FRAME_MS,
  type FrameClient,
  type FrameHost
} from '../frame-scheduler'

/** A browser whose clock moves only when told, with its frame and task queues in view. */
class FakeHost implements FrameHost {
  time = 1000
  frames: (() => void)[] = []
  timers: { at: number; callback: () => void }[] = []
  tasks: (() => void)[] = []
  now = (): number => this.time
  requestFrame = (callback: () => void): void => void this.frames.push(callback)
  setTimeout = (callback: () => void, ms: number): void =>
    void this.timers.push({ at: this.time + ms, callback })
  afterRender = (callback: () => void): void => void this.tasks.push(callback)

  /** Runs the pending animation frame, then the task after its rendering. */
  frame(): void {
    const frames = this.frames.splice(0)
    expect(frames).toHaveLength(1)
    frames[0]()
    for (const task of this.tasks.splice(0)) task()
  }

  /** Moves the clock to the first timer and runs it. */
  timer(): void {
    const next = this.timers.shift()!
    this.time = Math.max(this.time, next.at)
    next.callback()
  }
}

/** A chart that takes `cost` ms of the fake clock per frame and draws `points` points. */
class FakeChart implements FrameClient {
  frames = 0
  constructor(
    private readonly host: FakeHost,
    public lineCount: number,
    public cost = 2,
    public points = 100
  ) {}
  drawFrame(): number {
    this.frames++
    this.host.time += this.cost
    return this.points
  }
}

describe('FrameScheduler', () => {
  it('draws each chart that asked once in the next animation frame, however many batches asked', () => {
    const host = new FakeHost()
    const scheduler = new FrameScheduler(host)
    const a = new FakeChart(host, 3)
    const b = new FakeChart(host, 3)
    const c = new FakeChart(host, 3)
    for (const chart of [a, b, c]) scheduler.attach(chart)
    for (let batch = 0; batch < 100; batch++) {
      scheduler.request(a)
      if (batch % 2 === 0) scheduler.request(b)
    }
    expect(host.frames).toHaveLength(1)
    host.frame()
    expect([a.frames, b.frames, c.frames]).toEqual([1, 1, 0])
    // Nothing asked since: no frame is waiting.
    expect(host.frames).toHaveLength(0)
    scheduler.request(c)
    host.frame()
    expect([a.frames, b.frames, c.frames]).toEqual([1, 1, 1])
  })

  it('lets a slow frame be followed by a pause of half its length, so messages are still read', () => {
    const host = new FakeHost()
    const scheduler = new FrameScheduler(host)
    const chart = new FakeChart(host, 3, 40)
    scheduler.attach(chart)
    scheduler.request(chart)
    host.frame()
    scheduler.request(chart)
    // No frame yet: a timer 20 ms after the slow frame ended comes first.
    expect(host.frames).toHaveLength(0)
    expect(host.timers.map((t) => t.at - host.time)).toEqual([20])
    host.timer()
    host.frame()
    expect(chart.frames).toBe(2)
    // Cheap frames follow each other at the display's rate.
    chart.cost = 3
    scheduler.request(chart)
    host.timer()
    host.frame()
    scheduler.request(chart)
    expect(host.timers).toHaveLength(0)
    expect(host.frames).toHaveLength(1)
  })

  it('shrinks the point budget after slow full frames, widening the columns, and grows it after fast ones', () => {
    const host = new FakeHost()
    const scheduler = new FrameScheduler(host)
    const chart = new FakeChart(host, 200, 4 * TARGET_FRAME_MS)
    scheduler.attach(chart)
    const run = (): void => {
      chart.points = scheduler.budget
      scheduler.request(chart)
      if (host.timers.length > 0) host.timer()
      host.frame()
    }
    const fullWidth = 1000
    const before = scheduler.columnGroup(fullWidth)
    // One slow full frame is enough to fall to what the target time affords.
    run()
    expect(scheduler.budget).toBe(MIN_BUDGET)
    const slow = scheduler.columnGroup(fullWidth)
    expect(slow).toBeGreaterThan(before)
    chart.cost = 1
    for (let i = 0; i < 40; i++) run()
    expect(scheduler.budget).toBeGreaterThan(MIN_BUDGET * 10)
    expect(scheduler.columnGroup(fullWidth)).toBeLessThan(slow)
  })

  it('fits the budget to the rate of a slow full frame that drew less than the budget', () => {
    const host = new FakeHost()
    const scheduler = new FrameScheduler(host)
    const chart = new FakeChart(host, 600, 3 * TARGET_FRAME_MS, 0)
    scheduler.attach(chart)
    chart.points = scheduler.budget / 4
    scheduler.request(chart)
    host.frame()
    // A third of the points drawn would have fit the target time.
    expect(scheduler.budget).toBeCloseTo(Math.max(MIN_BUDGET, chart.points / 3))
  })

  it('leaves the budget alone after frames that redrew only a strip', () => {
    const host = new FakeHost()
    const scheduler = new FrameScheduler(host)
    const chart = new FakeChart(host, 600, 4 * TARGET_FRAME_MS, 0)
    scheduler.attach(chart)
    const budget = scheduler.budget
    for (let i = 0; i < 10; i++) {
      scheduler.request(chart)
      if (host.timers.length > 0) host.timer()
      host.frame()
    }
    expect(scheduler.budget).toBe(budget)
  })

  it('gives few lines every pixel column and forgets a chart once detached', () => {
    const host = new FakeHost()
    const scheduler = new FrameScheduler(host)
    const small = new FakeChart(host, 3)
    const big = new FakeChart(host, 2000)
    scheduler.attach(small)
    const detach = scheduler.attach(big)
    // 2,000 lines on the smallest budget: never fewer than MIN_COLUMNS drawn columns.
    scheduler.budget = MIN_BUDGET
    const group = scheduler.columnGroup(1000)
    expect(1000 / group).toBeGreaterThanOrEqual(MIN_COLUMNS)
    expect(1000 / (group * 2)).toBeLessThan(MIN_COLUMNS)
    scheduler.request(big)
    detach()
    expect(scheduler.columnGroup(1000)).toBe(1)
    host.frame()
    expect(big.frames).toBe(0)
  })
})
