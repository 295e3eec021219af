// The recent points of every series, in memory for the charts: one circular log shared by
// all series, so a series costs one slot in a per-series array and nothing more, and the
// log holds exactly its capacity in points whatever the number of series. Each point
// links back to the previous point of its series; once the log is full the oldest point (of
// any series) is overwritten first, and a link to it is recognisably gone.

/**
 * Points the log has room for before it first grows. A new typed array is zero pages the
 * system maps in only when written, so room costs memory only as points arrive; growing
 * copies the log and leaves the old arrays for the collector, so the default capacity
 * (DEFAULT_RING_POINTS) never grows.
 */
export const FIRST_SIZE = 1 << 20
/** Series slots before the per-series arrays first grow. */
const FIRST_SERIES = 1024
/** Links are distances in a Uint32Array: the capacity stays below its range. */
const MAX_CAPACITY = 0xffff_ffff

export class PointLog {
  private t: Float64Array
  private v: Float64Array
  /** Per point: how many positions back the previous point of its series is (0: none kept). */
  private back: Uint32Array
  /** Per series id: the position of its newest point (0: none). */
  private newest: Float64Array
  /** Points ever written; the newest point's position (positions start at 1). */
  private written = 0
  /** Positions at or below this are gone: overwritten, or from before clear(). */
  private floor = 0
  /** Where the next point goes. */
  private slot = 0

  constructor(readonly capacity: number) {
    if (!(capacity >= 1 && capacity <= MAX_CAPACITY && Number.isInteger(capacity)))
      throw new Error(`a point log holds 1 to ${MAX_CAPACITY} points`)
    const size = Math.min(capacity, FIRST_SIZE)
    this.t = new Float64Array(size)
    this.v = new Float64Array(size)
    this.back = new Uint32Array(size)
    this.newest = new Float64Array(FIRST_SERIES)
  }

  /** Points held, all series together. */
  get size(): number {
    return this.written - this.oldestGone()
  }

  push(id: number, t: number, v: number): void {
    if (id >= this.newest.length)
      this.newest = grown(this.newest, Math.max(id + 1, this.newest.length * 2))
    if (this.slot === this.t.length && this.t.length < this.capacity) this.grow()
    const slot = this.slot
    const position = ++this.written
    const previous = this.newest[id]
    this.t[slot] = t
    this.v[slot] = v
    // A previous point this far back is overwritten by this write (or was long before).
    this.back[slot] = previous > this.floor ? Math.min(position - previous, this.capacity) : 0
    this.newest[id] = position
    this.slot = slot + 1 === this.capacity ? 0 : slot + 1
  }

  /** The series' newest value (NaN when it has none). */
  latest(id: number): number {
    const position = this.newestKept(id)
    return position === 0 ? NaN : this.v[this.slotOf(position)]
  }

  /** Points of the series held. */
  length(id: number): number {
    return this.walk(id, -Infinity, Infinity, Infinity, null, null)
  }

  /** Its points with fromMs <= t <= toMs, oldest first, at most `limit` (the newest kept). */
  copy(
    id: number,
    fromMs = -Infinity,
    toMs = Infinity,
    limit = Infinity
  ): { t: Float64Array; v: Float64Array } {
    const size = this.walk(id, fromMs, toMs, limit, null, null)
    const out = { t: new Float64Array(size), v: new Float64Array(size) }
    if (size > 0) this.walk(id, fromMs, toMs, limit, out.t, out.v)
    return out
  }

  /** Forgets every point (the history is reloaded); what was allocated stays for the refill. */
  clear(): void {
    this.floor = this.written
  }

  /**
   * Goes from the series' newest point back along its links, counting the points in range up
   * to `limit`; with `outT`/`outV` (of that count) fills them from the end, so oldest first.
   */
  private walk(
    id: number,
    fromMs: number,
    toMs: number,
    limit: number,
    outT: Float64Array | null,
    outV: Float64Array | null
  ): number {
    let position = this.newestKept(id)
    const gone = this.oldestGone()
    let j = outT ? outT.length : 0
    let found = 0
    let slot = position === 0 ? 0 : this.slotOf(position)
    while (position > gone && found < limit) {
      const t = this.t[slot]
      if (t >= fromMs && t <= toMs) {
        found++
        if (outT && outV) {
          outT[--j] = t
          outV[j] = this.v[slot]
        }
      }
      const back = this.back[slot]
      if (back === 0) break
      position -= back
      slot -= back
      if (slot < 0) slot += this.capacity
    }
    return found
  }

  private newestKept(id: number): number {
    const position = id < this.newest.length ? this.newest[id] : 0
    return position > this.oldestGone() ? position : 0
  }

  /** The newest position no longer held. */
  private oldestGone(): number {
    return Math.max(this.floor, this.written - this.capacity)
  }

  private slotOf(position: number): number {
    return (position - 1) % this.capacity
  }

  /** Doubles the point arrays (up to the capacity); only before the log first wraps. */
  private grow(): void {
    const size = Math.min(this.capacity, this.t.length * 2)
    this.t = grown(this.t, size)
    this.v = grown(this.v, size)
    this.back = grown(this.back, size)
  }
}

/** A copy of `array` with room for `size` items. */
function grown<A extends Float64Array | Uint32Array>(array: A, size: number): A {
  const next = new (array.constructor as { new (n: number): A })(size)
  next.set(array)
  return next
}
