// One clock for every chart on the page: a chart asks for a frame when its data or view
// changed, and all charts that asked draw together in the next animation frame, however many
// batches arrived in between (they are already in the store: a frame draws them at once).
// When drawing cannot keep up, work is shed instead of queued: the next frame waits half as
// long as the last one took, so drawing never takes more than about two thirds of the main
// thread and messages keep being read; and the point budget shrinks, so lines are drawn with
// fewer, wider min/max columns until a frame fits its target time again.

export interface FrameClient {
  /** Lines this chart draws: the page's point budget is shared out per line. */
  readonly lineCount: number
  /**
   * Draws one frame. Returns the points drawn on a cleared canvas (what the budget bounds),
   * or 0 when it redrew only a strip or nothing.
   */
  drawFrame(): number
}

/** What the scheduler needs from the browser; tests pass a fake. */
export interface FrameHost {
  now(): number
  requestFrame(callback: () => void): void
  setTimeout(callback: () => void, ms: number): void
  /** Runs `callback` in a new task: after the current frame's rendering, paint included. */
  afterRender(callback: () => void): void
}

/** A frame (drawing, layout, paint) should fit in this; slower frames shrink the budget. */
export const TARGET_FRAME_MS = 12
/**
 * Frames cheaper than two display refreshes are not paced (the display's rate leaves time
 * between them); the measure also counts tasks that ran before it, which pacing must not
 * add to.
 */
const FREE_FRAME_MS = 33
export const MIN_BUDGET = 20_000
export const MAX_BUDGET = 2_000_000
const INITIAL_BUDGET = 60_000
/** A line never gets fewer drawn columns than this, whatever the budget. */
export const MIN_COLUMNS = 16

export class FrameScheduler {
  /** Points all charts may draw in one frame, together. */
  budget = INITIAL_BUDGET
  private readonly clients = new Set<FrameClient>()
  private readonly dirty = new Set<FrameClient>()
  private pending = false
  private notBefore = -Infinity

  constructor(private readonly host: FrameHost) {}

  attach(client: FrameClient): () => void {
    this.clients.add(client)
    return () => {
      this.clients.delete(client)
      this.dirty.delete(client)
    }
  }

  /** The client draws in the next frame the scheduler runs (once, however often asked). */
  request(client: FrameClient): void {
    if (!this.clients.has(client)) return
    this.dirty.add(client)
    this.schedule()
  }

  /**
   * How many device-pixel columns one drawn min/max column spans for a chart `columns` wide:
   * 1 while the budget allows every pixel column for every line, else 2, 4, 8...
   */
  columnGroup(columns: number): number {
    let lines = 0
    for (const c of this.clients) lines += c.lineCount
    const drawnColumns = this.budget / Math.max(1, lines) / 2
    let group = 1
    while (columns / group > drawnColumns && columns / (group * 2) >= MIN_COLUMNS) group *= 2
    return group
  }

  private schedule(): void {
    if (this.pending || this.dirty.size === 0) return
    this.pending = true
    const wait = this.notBefore - this.host.now()
    if (wait > 0) this.host.setTimeout(() => this.host.requestFrame(() => this.run()), wait)
    else this.host.requestFrame(() => this.run())
  }

  private run(): void {
    const start = this.host.now()
    const clients = [...this.dirty]
    this.dirty.clear()
    let points = 0
    for (const client of clients) points += client.drawFrame()
    this.host.afterRender(() => this.measured(start, points))
  }

  /** After the frame was rendered: pace the next one and fit the budget to what it cost. */
  private measured(start: number, points: number): void {
    const end = this.host.now()
    const cost = end - start
    this.notBefore = cost > FREE_FRAME_MS ? end + cost / 2 : -Infinity
    // Only full redraws tell what points cost (most frames redraw a narrow strip): a slow one
    // sets the budget to what the target time affords at that rate; a fast one that used
    // most of the budget lets it grow.
    if (points > 0 && cost > TARGET_FRAME_MS) {
      const affordable = (Math.min(points, this.budget) * TARGET_FRAME_MS) / cost
      this.budget = Math.max(MIN_BUDGET, Math.min(this.budget, affordable))
    } else if (points >= this.budget / 2 && cost < TARGET_FRAME_MS / 2) {
      this.budget = Math.min(MAX_BUDGET, this.budget * 1.25)
    }
    this.pending = false
    this.schedule()
  }
}

function browserHost(): FrameHost {
  const channel = new MessageChannel()
  const queue: (() => void)[] = []
  channel.port1.onmessage = () => queue.shift()?.()
  return {
    now: () => performance.now(),
    requestFrame: (callback) => requestAnimationFrame(() => callback()),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    afterRender: (callback) => {
      queue.push(callback)
      channel.port2.postMessage(null)
    }
  }
}

let shared: FrameScheduler | null = null

/** The page's scheduler, shared by every chart. */
export function frameScheduler(): FrameScheduler {
  return (shared ??= new FrameScheduler(browserHost()))
}
