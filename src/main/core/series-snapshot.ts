// The recent points of a few series, for a chart that starts showing them: the page keeps
// points only for charted series, so it asks for these when the user picks one.
import type { HistorySnapshot } from '../../shared/types'
import type { SeriesRegistry } from './capture/series-registry'

export interface SnapshotRange {
  fromMs?: number
  toMs?: number
  maxPointsPerSeries?: number
}

/** The defs and in-memory points of `ids` (unknown ids are left out); no topic counters. */
export function seriesSnapshot(
  registry: SeriesRegistry,
  ids: readonly number[],
  range: SnapshotRange = {}
): HistorySnapshot {
  const out: HistorySnapshot = { defs: [], series: [], topics: [] }
  for (const id of new Set(ids)) {
    const def = registry.def(id)
    const ring = registry.rings.get(id)
    if (!def || !ring) continue
    out.defs.push(def)
    out.series.push({ id, ...ring.copy(range.fromMs, range.toMs, range.maxPointsPerSeries) })
  }
  return out
}
