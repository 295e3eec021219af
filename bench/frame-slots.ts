// Main-thread time per 60 Hz frame slot, from a Chrome trace of a page (toplevel category).

export interface TraceEvent {
  name: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  args?: { name?: string }
}

/** One frame at 60 Hz. */
const FRAME_MS = 1000 / 60

/**
 * Main-thread time in each 60 Hz frame slot of the trace: the page's top-level tasks (its own
 * thread: the busiest renderer main thread) cut at slot boundaries and summed per slot.
 * Every slot counts for the p99 (a long task fills several); the median is over slots with
 * any work, so idle slots do not flatter it.
 */
export function frameTimes(events: TraceEvent[]): { all: number[]; working: number[] } {
  const names = new Map<string, string>()
  for (const e of events)
    if (e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '')
  const busy = new Map<string, number>()
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`
    if (names.get(key) === 'CrRendererMain' && e.name === 'ThreadControllerImpl::RunTask')
      busy.set(key, (busy.get(key) ?? 0) + (e.dur ?? 0))
  }
  const main = [...busy].sort((a, b) => b[1] - a[1])[0]?.[0]
  if (!main) throw new Error('no renderer main thread in the trace')
  const tasks = events.filter(
    (e) =>
      `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask'
  )
  let start = Infinity
  let end = -Infinity
  for (const e of events) {
    if (!(e.ts > 0)) continue
    start = Math.min(start, e.ts / 1000)
    end = Math.max(end, (e.ts + (e.dur ?? 0)) / 1000)
  }
  const slots = new Float64Array(Math.max(1, Math.ceil((end - start) / FRAME_MS)))
  const add = (slot: number, ms: number): void => {
    if (slot >= 0 && slot < slots.length) slots[slot] += ms
  }
  for (const t of tasks) {
    const from = t.ts / 1000 - start
    const to = from + (t.dur ?? 0) / 1000
    const a = Math.floor(from / FRAME_MS)
    const b = Math.floor(to / FRAME_MS)
    if (a === b) add(a, to - from)
    else {
      add(a, (a + 1) * FRAME_MS - from)
      for (let k = a + 1; k < b; k++) add(k, FRAME_MS)
      add(b, to - b * FRAME_MS)
    }
  }
  const all = Array.from(slots)
  return { all, working: all.filter((ms) => ms > 0) }
}
