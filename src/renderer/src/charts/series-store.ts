// Chart data lives here, outside React state. Every series' definition is known (search,
// pickers), but points are kept only for series a chart shows, or for all of a connection's
// series while it has few enough to be charted by itself: a broker with 100,000 topics has
// as many series, and a page holding points for each runs out of memory for nothing.
// A chart that starts showing a series loads its recent points from the core, then follows
// the stream.
import { runsOf } from '../../../shared/batch-columns'
import type { CaptureBatch, HistorySnapshot, PointRuns, SeriesDef } from '../../../shared/types'
import { AUTO_SERIES_LIMIT, fromBroker } from './chart-choice'
import { DEFAULT_CAPACITY, SeriesBuffer } from './series-buffer'

export { DEFAULT_CAPACITY, SeriesBuffer } from './series-buffer'
export { lowerBound, lowerBoundNear, upperBound, visibleRange } from './search'

export type DataListener = (changed: ReadonlySet<number>) => void

/** The core's recent points of these series (capture:snapshot with seriesIds). */
export type PointLoader = (ids: number[]) => Promise<HistorySnapshot>

/** All series of the session, keyed by SeriesDef.id, with change notifications. */
export class SeriesStore {
  private readonly defsById = new Map<number, SeriesDef>()
  private readonly buffers = new Map<number, SeriesBuffer>()
  /** How many charts show each series. */
  private readonly watched = new Map<number, number>()
  /** Series per connection, the broker's own ($SYS) left out, as the automatic layout counts. */
  private readonly perConnection = new Map<string, number>()
  /** Series whose recent points are being loaded; `generation` tells a stale answer. */
  private readonly loading = new Set<number>()
  private generation = 0
  private readonly dataListeners = new Set<DataListener>()
  private readonly defsListeners = new Set<() => void>()
  private defsList: SeriesDef[] = []
  /** Why the last load of recent points failed ('' when it did not): the stream goes on. */
  loadError = ''

  constructor(
    readonly capacity: number = DEFAULT_CAPACITY,
    private loader: PointLoader | null = null
  ) {}

  /** Where recent points come from when a chart starts showing a series. */
  setLoader(loader: PointLoader | null): void {
    this.loader = loader
  }

  /** Series definitions in id order; a new array only when the set changed. */
  get defs(): readonly SeriesDef[] {
    return this.defsList
  }

  /** The points of a kept series; undefined for a series no chart shows. */
  get(id: number): SeriesBuffer | undefined {
    return this.buffers.get(id)
  }

  def(id: number): SeriesDef | undefined {
    return this.defsById.get(id)
  }

  /** How many series have their points kept. */
  get keptCount(): number {
    return this.buffers.size
  }

  /** True while the recent points of a newly shown series are on their way. */
  isLoading(id: number): boolean {
    return this.loading.has(id)
  }

  /**
   * Keeps the points of these series until the returned function is called (a chart shows
   * them). A series not kept so far gets its recent points from the core.
   */
  watch(ids: readonly number[]): () => void {
    const fresh: number[] = []
    for (const id of ids) {
      this.watched.set(id, (this.watched.get(id) ?? 0) + 1)
      if (!this.buffers.has(id) && this.defsById.has(id)) {
        this.buffers.set(id, new SeriesBuffer(this.capacity))
        fresh.push(id)
      }
    }
    if (fresh.length > 0) this.loadRecent(fresh)
    let released = false
    return () => {
      if (released) return
      released = true
      for (const id of ids) {
        const count = (this.watched.get(id) ?? 0) - 1
        if (count > 0) {
          this.watched.set(id, count)
          continue
        }
        this.watched.delete(id)
        if (!this.keeps(id)) {
          this.buffers.delete(id)
          this.loading.delete(id)
        }
      }
    }
  }

  /** Replaces everything with a snapshot (start-up, or after the transport reconnected). */
  loadSnapshot(snapshot: HistorySnapshot): void {
    this.defsById.clear()
    this.buffers.clear()
    this.perConnection.clear()
    this.loading.clear()
    this.generation++
    this.defsList = []
    this.apply(snapshot.defs, runsOf(snapshot.series), true)
  }

  applyBatch(batch: CaptureBatch): void {
    this.apply(batch.defs, batch.points, false)
  }

  reset(): void {
    this.loadSnapshot({ defs: [], series: [], topics: [] })
  }

  onData(listener: DataListener): () => void {
    this.dataListeners.add(listener)
    return () => this.dataListeners.delete(listener)
  }

  onDefs(listener: () => void): () => void {
    this.defsListeners.add(listener)
    return () => this.defsListeners.delete(listener)
  }

  /** Automatic (a connection with few series) or shown by a chart. */
  private keeps(id: number): boolean {
    if (this.watched.has(id)) return true
    const def = this.defsById.get(id)
    return (
      def !== undefined &&
      !fromBroker(def) &&
      (this.perConnection.get(def.connection) ?? 0) <= AUTO_SERIES_LIMIT
    )
  }

  private apply(defs: SeriesDef[], points: PointRuns, replaced: boolean): void {
    let defsChanged = replaced
    const grown = new Set<string>()
    for (const def of defs) {
      const old = this.defsById.get(def.id)
      if (!old || old.unit !== def.unit || old.field !== def.field || old.topic !== def.topic) {
        defsChanged = true
      }
      this.defsById.set(def.id, def)
      if (!old && !fromBroker(def)) {
        const count = (this.perConnection.get(def.connection) ?? 0) + 1
        this.perConnection.set(def.connection, count)
        if (count === AUTO_SERIES_LIMIT + 1) grown.add(def.connection)
      }
    }
    // A connection past the automatic limit keeps only what charts show.
    if (grown.size > 0)
      for (const id of this.buffers.keys()) {
        const def = this.defsById.get(id)
        if (def && grown.has(def.connection) && !this.keeps(id)) this.buffers.delete(id)
      }
    for (const def of defs)
      if (!this.buffers.has(def.id) && this.keeps(def.id))
        this.buffers.set(def.id, new SeriesBuffer(this.capacity))
    const changed = new Set<number>()
    let at = 0
    for (let k = 0; k < points.ids.length; k++) {
      const id = points.ids[k]
      const n = points.counts[k]
      // No buffer: a series no chart shows (or never defined: the core sends defs first).
      const buffer = this.buffers.get(id)
      if (buffer && buffer.append(points.t.subarray(at, at + n), points.v.subarray(at, at + n)) > 0)
        changed.add(id)
      at += n
    }
    if (defsChanged) {
      this.defsList = [...this.defsById.values()].sort((a, b) => a.id - b.id)
      for (const l of this.defsListeners) l()
    }
    if (changed.size > 0 || replaced) for (const l of this.dataListeners) l(changed)
  }

  /**
   * Asks the core for the recent points of series a chart just started showing. Points that
   * stream in meanwhile are kept; the answer goes before them, and a reading in both (the
   * answer and a batch may overlap) is kept once, so there is neither a gap nor a repeat.
   */
  private loadRecent(ids: number[]): void {
    const loader = this.loader
    if (!loader) return
    const generation = this.generation
    for (const id of ids) this.loading.add(id)
    const done = (): void => {
      if (generation === this.generation) for (const id of ids) this.loading.delete(id)
    }
    loader(ids).then(
      (snapshot) => {
        if (generation !== this.generation) return
        const changed = new Set<number>()
        for (const s of snapshot.series) {
          const buffer = this.buffers.get(s.id)
          if (!buffer || !this.loading.has(s.id)) continue
          const t = buffer.t.slice()
          const v = buffer.v.slice()
          buffer.clear()
          buffer.append(s.t, s.v)
          buffer.append(t, v)
          changed.add(s.id)
        }
        done()
        this.loadError = ''
        for (const l of this.dataListeners) l(changed)
      },
      (e: unknown) => {
        done()
        if (generation !== this.generation) return
        this.loadError = e instanceof Error ? e.message : String(e)
        for (const l of this.dataListeners) l(new Set())
      }
    )
  }
}
