// Extremes and sums of a series' values per block of 8, 128 and 2,048 points, so a pixel
// column spanning thousands of points is reduced in a few dozen steps: with a million points
// in view a frame reads block summaries, not points, and streaming stays cheap.
// Summaries keep the extreme values next to their positions, so a scan reads them in order
// instead of jumping around the values array (cache misses dominate on large arrays).

/** log2 of the block sizes, finest first; each level groups 16 blocks of the one below. */
const SHIFTS = [3, 7, 11]
const SIZE0 = 1 << SHIFTS[0]

class Level {
  lo = new Int32Array(0)
  hi = new Int32Array(0)
  loV = new Float64Array(0)
  hiV = new Float64Array(0)
  sum = new Float64Array(0)

  constructor(readonly shift: number) {}

  grow(points: number): void {
    const n = (points >> this.shift) + 1
    if (this.lo.length >= n) return
    const grown = <T extends Int32Array | Float64Array>(a: T, b: T): T => {
      b.set(a)
      return b
    }
    this.lo = grown(this.lo, new Int32Array(n))
    this.hi = grown(this.hi, new Int32Array(n))
    this.loV = grown(this.loV, new Float64Array(n))
    this.hiV = grown(this.hiV, new Float64Array(n))
    this.sum = grown(this.sum, new Float64Array(n))
  }
}

/**
 * Summaries over positions of one backing array. Positions [0, valid) are covered by full
 * blocks; the owner calls `invalidateFrom` when it rewrites values in place and `reset` when
 * it moves them, and `update` before a query to cover newly appended points.
 */
export class BlockIndex {
  private readonly levels = SHIFTS.map((s) => new Level(s))
  private valid = 0

  reset(): void {
    this.valid = 0
  }

  invalidateFrom(position: number): void {
    this.valid = Math.min(this.valid, (position >> SHIFTS[0]) << SHIFTS[0])
  }

  /** Summarizes every full block of v[0, end). */
  update(v: Float64Array, end: number): void {
    const full = (end >> SHIFTS[0]) << SHIFTS[0]
    if (full <= this.valid) return
    for (const level of this.levels) level.grow(v.length)
    const base = this.levels[0]
    for (let b = this.valid >> base.shift, last = full >> base.shift; b < last; b++) {
      const first = b << base.shift
      let lo = first
      let hi = first
      let loV = v[first]
      let hiV = loV
      let sum = loV
      for (let i = first + 1; i < first + SIZE0; i++) {
        const y = v[i]
        sum += y
        if (y < loV) {
          loV = y
          lo = i
        }
        if (y > hiV) {
          hiV = y
          hi = i
        }
      }
      base.lo[b] = lo
      base.hi[b] = hi
      base.loV[b] = loV
      base.hiV[b] = hiV
      base.sum[b] = sum
    }
    for (let k = 1; k < this.levels.length; k++) {
      const below = this.levels[k - 1]
      const level = this.levels[k]
      const per = 1 << (level.shift - below.shift)
      for (let s = this.valid >> level.shift, last = full >> level.shift; s < last; s++) {
        const first = s * per
        let lo = first
        let hi = first
        let sum = below.sum[first]
        for (let b = first + 1; b < first + per; b++) {
          if (below.loV[b] < below.loV[lo]) lo = b
          if (below.hiV[b] > below.hiV[hi]) hi = b
          sum += below.sum[b]
        }
        level.lo[s] = below.lo[lo]
        level.hi[s] = below.hi[hi]
        level.loV[s] = below.loV[lo]
        level.hiV[s] = below.hiV[hi]
        level.sum[s] = sum
      }
    }
    this.valid = full
  }

  /**
   * The first positions of the minimum and of the maximum of v over [s, e) into out[0] and
   * out[1] (-1 when the range is empty); returns the sum of the values.
   */
  scan(v: Float64Array, s: number, e: number, out: Int32Array): number {
    let lo = -1
    let hi = -1
    let loV = Infinity
    let hiV = -Infinity
    let sum = 0
    let i = s
    const usable = Math.min(e, this.valid)
    // Points up to the first block boundary, or all of them when no block fits.
    let stop = ((i + SIZE0 - 1) >> SHIFTS[0]) << SHIFTS[0]
    if (stop + SIZE0 > usable) stop = e
    for (; i < stop; i++) {
      const y = v[i]
      sum += y
      if (y < loV) {
        loV = y
        lo = i
      }
      if (y > hiV) {
        hiV = y
        hi = i
      }
    }
    // Climb: blocks of each level up to the next level's boundary; the top level's blocks;
    // then descend through the levels for what is left.
    const top = this.levels.length - 1
    for (let pass = 0; pass < 2 * top + 1; pass++) {
      const k = pass <= top ? pass : 2 * top - pass
      const level = this.levels[k]
      const size = 1 << level.shift
      const climbing = pass < top
      const align = climbing ? (1 << this.levels[k + 1].shift) - 1 : 0
      const { lo: los, hi: his, loV: loVs, hiV: hiVs, sum: sums } = level
      for (; i + size <= usable && (!climbing || (i & align) !== 0); i += size) {
        const b = i >> level.shift
        sum += sums[b]
        if (loVs[b] < loV) {
          loV = loVs[b]
          lo = los[b]
        }
        if (hiVs[b] > hiV) {
          hiV = hiVs[b]
          hi = his[b]
        }
      }
    }
    for (; i < e; i++) {
      const y = v[i]
      sum += y
      if (y < loV) {
        loV = y
        lo = i
      }
      if (y > hiV) {
        hiV = y
        hi = i
      }
    }
    out[0] = lo
    out[1] = hi
    return sum
  }
}
