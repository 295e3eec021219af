// The recent points of every series, in memory for the charts, under one budget for all of
// them together: a series' points are kept in chunks (small at first, doubling up to a cap),
// and once the chunks of all series reach the budget, the chunk that was filled first (of
// any series) is dropped. Memory stays flat however many series there are and however long
// the run, and what is kept is the most recent data across all series.

/** Points in a series' first chunk, and the most in any chunk. */
const FIRST_CHUNK = 32
const MAX_CHUNK = 1024

interface Chunk {
  t: Float64Array
  v: Float64Array
  n: number
  /** The ring holding it; null once dropped or cleared (it is then skipped). */
  ring: SeriesRing | null
}

/** The points all rings sharing it may hold together (their chunks' capacity). */
export class RingBudget {
  /** Capacity of all chunks held, in points. */
  used = 0
  /** Full chunks in the order they were filled: the first is dropped first. */
  private filled: (Chunk | null)[] = []
  private head = 0

  /** Rings counted against it. */
  rings = 0

  constructor(readonly maxPoints: number) {
    if (!(maxPoints >= 1)) throw new Error('a ring budget holds at least one point')
  }

  /**
   * The largest chunk: a quarter of each ring's share at most, so that the chunks being
   * filled (never dropped) stay well inside the budget, and dropping one keeps the rest.
   */
  get maxChunk(): number {
    return Math.max(
      1,
      Math.min(MAX_CHUNK, Math.floor(this.maxPoints / (4 * Math.max(1, this.rings))))
    )
  }

  /** Makes room for a chunk of `size` points, dropping the chunks filled first. */
  take(size: number): void {
    this.used += size
    while (this.used > this.maxPoints && this.head < this.filled.length) {
      const chunk = this.filled[this.head]
      this.filled[this.head++] = null
      if (!chunk?.ring) continue
      chunk.ring.dropFirst(chunk)
      this.used -= chunk.t.length
    }
    if (this.head > 1024 && this.head * 2 > this.filled.length) {
      this.filled = this.filled.slice(this.head)
      this.head = 0
    }
  }

  filledUp(chunk: Chunk): void {
    this.filled.push(chunk)
  }

  release(chunk: Chunk): void {
    chunk.ring = null
    this.used -= chunk.t.length
  }
}

/** One series' recent points, oldest first, in chunks counted against a RingBudget. */
export class SeriesRing {
  private chunks: Chunk[] = []
  private budget: RingBudget
  private nextSize: number
  length = 0

  /** A ring with a budget of its own (`max` points), until it shares one (see share). */
  constructor(
    max: number,
    private readonly firstChunk = FIRST_CHUNK
  ) {
    this.budget = new RingBudget(max)
    this.budget.rings++
    this.nextSize = this.firstSize()
  }

  /** Counts this ring against `budget` from now on (one shared by every series). */
  share(budget: RingBudget): void {
    if (this.length > 0) throw new Error('a ring shares a budget before it holds points')
    this.budget = budget
    budget.rings++
    this.nextSize = this.firstSize()
  }

  /** Capacity of the chunks held, in points. */
  get capacity(): number {
    return this.chunks.reduce((n, c) => n + c.t.length, 0)
  }

  push(t: number, v: number): void {
    let chunk = this.chunks[this.chunks.length - 1]
    if (!chunk || chunk.n === chunk.t.length) chunk = this.addChunk()
    chunk.t[chunk.n] = t
    chunk.v[chunk.n] = v
    chunk.n++
    this.length++
    if (chunk.n === chunk.t.length) this.budget.filledUp(chunk)
  }

  latest(): number {
    const chunk = this.chunks[this.chunks.length - 1]
    return chunk && chunk.n > 0 ? chunk.v[chunk.n - 1] : NaN
  }

  /** Points with fromMs <= t <= toMs, oldest first, at most `limit` (the newest kept). */
  copy(
    fromMs = -Infinity,
    toMs = Infinity,
    limit = Infinity
  ): { t: Float64Array; v: Float64Array } {
    let count = 0
    for (const { t, n } of this.chunks) {
      for (let i = 0; i < n; i++) if (t[i] >= fromMs && t[i] <= toMs) count++
    }
    const size = Math.min(count, limit)
    const outT = new Float64Array(size)
    const outV = new Float64Array(size)
    let skip = count - size
    let j = 0
    for (const { t, v, n } of this.chunks) {
      for (let i = 0; i < n && j < size; i++) {
        const ti = t[i]
        if (ti < fromMs || ti > toMs) continue
        if (skip > 0) {
          skip--
          continue
        }
        outT[j] = ti
        outV[j++] = v[i]
      }
    }
    return { t: outT, v: outV }
  }

  clear(): void {
    for (const chunk of this.chunks) this.budget.release(chunk)
    this.chunks = []
    this.length = 0
    this.nextSize = this.firstSize()
  }

  /** Called by the budget: lets go of the ring's oldest chunk. */
  dropFirst(chunk: Chunk): void {
    // Chunks fill in order, so the budget's oldest of this ring is always its first.
    if (this.chunks[0] !== chunk) throw new Error('ring chunks dropped out of order')
    this.chunks.shift()
    this.length -= chunk.n
    chunk.ring = null
  }

  private firstSize(): number {
    return Math.max(1, Math.min(this.firstChunk, this.budget.maxChunk))
  }

  private addChunk(): Chunk {
    // The limit shrinks as series join: a chunk never exceeds the current one.
    const size = Math.min(this.nextSize, this.budget.maxChunk)
    this.nextSize = Math.min(this.budget.maxChunk, size * 2)
    const chunk: Chunk = { t: new Float64Array(size), v: new Float64Array(size), n: 0, ring: this }
    this.budget.take(size)
    this.chunks.push(chunk)
    return chunk
  }
}
