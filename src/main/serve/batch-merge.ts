import { forEachRun, runsOf, statRows, statsOfRows } from '../../shared/batch-columns'
import type { CaptureBatch, SeriesDef, TopicStat } from '../../shared/types'

/** Rough JSON size of one definition or topic counter, for the client's memory account. */
const ENTRY_BYTES = 160

class Points {
  t: Float64Array
  v: Float64Array
  n = 0

  constructor(size: number) {
    this.t = new Float64Array(size)
    this.v = new Float64Array(size)
  }

  append(t: Float64Array, v: Float64Array): void {
    const need = this.n + t.length
    if (need > this.t.length) {
      const size = Math.max(need, this.t.length * 2)
      const t2 = new Float64Array(size)
      const v2 = new Float64Array(size)
      t2.set(this.t.subarray(0, this.n))
      v2.set(this.v.subarray(0, this.n))
      this.t = t2
      this.v = v2
    }
    this.t.set(t, this.n)
    this.v.set(v, this.n)
    this.n = need
  }
}

/**
 * Capture batches held back for a client that is not reading: merged into one, so the client
 * gets a single batch with everything (no point lost) once it reads again, instead of a queue
 * of small frames. `bytes` estimates what it will cost encoded.
 */
export class MergedBatch {
  private readonly defs = new Map<number, SeriesDef>()
  private readonly series = new Map<number, Points>()
  private readonly topics = new Map<string, TopicStat>()
  bytes = 0

  add(batch: CaptureBatch): void {
    for (const def of batch.defs) {
      if (!this.defs.has(def.id)) this.bytes += ENTRY_BYTES
      this.defs.set(def.id, def)
    }
    forEachRun(batch.points, (id, t, v) => {
      let points = this.series.get(id)
      if (!points) {
        points = new Points(Math.max(64, t.length))
        this.series.set(id, points)
        this.bytes += ENTRY_BYTES
      }
      points.append(t, v)
      this.bytes += t.byteLength + v.byteLength
    })
    for (const stat of statsOfRows(batch.topics)) {
      const key = `${stat.connection}\u0000${stat.topic}`
      if (!this.topics.has(key)) this.bytes += ENTRY_BYTES
      // Counters are totals: the newest replaces the older.
      this.topics.set(key, stat)
    }
  }

  take(): CaptureBatch {
    return {
      defs: [...this.defs.values()],
      points: runsOf(
        [...this.series].map(([id, p]) => ({
          id,
          t: p.t.subarray(0, p.n),
          v: p.v.subarray(0, p.n)
        }))
      ),
      topics: statRows([...this.topics.values()])
    }
  }
}
