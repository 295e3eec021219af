/**
 * One series' recent points in columnar typed arrays. Grows by doubling up to `max`,
 * then overwrites the oldest: memory is bounded whatever the traffic.
 */
export class SeriesRing {
  private t: Float64Array
  private v: Float64Array
  private start = 0
  length = 0

  constructor(
    private readonly max: number,
    initial = 1024
  ) {
    const capacity = Math.min(initial, max)
    this.t = new Float64Array(capacity)
    this.v = new Float64Array(capacity)
  }

  get capacity(): number {
    return this.t.length
  }

  push(t: number, v: number): void {
    if (this.length === this.t.length) {
      if (this.t.length < this.max) this.grow()
      else {
        this.t[this.start] = t
        this.v[this.start] = v
        this.start = (this.start + 1) % this.t.length
        return
      }
    }
    const at = (this.start + this.length) % this.t.length
    this.t[at] = t
    this.v[at] = v
    this.length++
  }

  latest(): number {
    return this.length === 0 ? NaN : this.v[(this.start + this.length - 1) % this.t.length]
  }

  /** Points with fromMs <= t <= toMs, oldest first, at most `limit` (the newest kept). */
  copy(
    fromMs = -Infinity,
    toMs = Infinity,
    limit = Infinity
  ): { t: Float64Array; v: Float64Array } {
    const cap = this.t.length
    let count = 0
    for (let i = 0; i < this.length; i++) {
      const ti = this.t[(this.start + i) % cap]
      if (ti >= fromMs && ti <= toMs) count++
    }
    const n = Math.min(count, limit)
    const outT = new Float64Array(n)
    const outV = new Float64Array(n)
    let skip = count - n
    let j = 0
    for (let i = 0; i < this.length && j < n; i++) {
      const at = (this.start + i) % cap
      const ti = this.t[at]
      if (ti < fromMs || ti > toMs) continue
      if (skip > 0) {
        skip--
        continue
      }
      outT[j] = ti
      outV[j] = this.v[at]
      j++
    }
    return { t: outT, v: outV }
  }

  clear(): void {
    this.start = 0
    this.length = 0
  }

  private grow(): void {
    const capacity = Math.min(this.t.length * 2, this.max)
    const t = new Float64Array(capacity)
    const v = new Float64Array(capacity)
    for (let i = 0; i < this.length; i++) {
      const at = (this.start + i) % this.t.length
      t[i] = this.t[at]
      v[i] = this.v[at]
    }
    this.t = t
    this.v = v
    this.start = 0
  }
}
