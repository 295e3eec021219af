// A capture batch's columns: its points (PointRuns, series after series in four arrays) and
// its topic counters (TopicStatRows), built and read.
import type {
  CaptureBatch,
  PointRuns,
  SeriesData,
  SeriesDef,
  TopicStat,
  TopicStatRows
} from './types'

/** The runs of these series' points, in the order given. */
export function runsOf(series: readonly SeriesData[]): PointRuns {
  let total = 0
  for (const s of series) total += s.t.length
  const runs: PointRuns = {
    ids: new Float64Array(series.length),
    counts: new Float64Array(series.length),
    t: new Float64Array(total),
    v: new Float64Array(total)
  }
  let at = 0
  series.forEach((s, k) => {
    runs.ids[k] = s.id
    runs.counts[k] = s.t.length
    runs.t.set(s.t, at)
    runs.v.set(s.v, at)
    at += s.t.length
  })
  return runs
}

/** Calls `visit` with each series' points (views into the runs' arrays, not copies). */
export function forEachRun(
  runs: PointRuns,
  visit: (id: number, t: Float64Array, v: Float64Array) => void
): void {
  let at = 0
  for (let k = 0; k < runs.ids.length; k++) {
    const n = runs.counts[k]
    visit(runs.ids[k], runs.t.subarray(at, at + n), runs.v.subarray(at, at + n))
    at += n
  }
}

/** The runs as one {id, t, v} per series (views), for code that takes series one by one. */
export function seriesOfRuns(runs: PointRuns): SeriesData[] {
  const out: SeriesData[] = []
  forEachRun(runs, (id, t, v) => out.push({ id, t, v }))
  return out
}

/** A capture batch from series given one by one. */
export function batchOfSeries(batch: {
  defs: SeriesDef[]
  series: readonly SeriesData[]
  topics: TopicStat[]
}): CaptureBatch {
  return { defs: batch.defs, points: runsOf(batch.series), topics: statRows(batch.topics) }
}

/** Room for `n` rows of topic counters. */
export function newStatRows(n: number): TopicStatRows {
  return {
    connection: new Array<string>(n),
    topic: new Array<string>(n),
    messages: new Float64Array(n),
    errors: new Float64Array(n),
    lastError: new Array<string | null>(n),
    format: new Array<string | null>(n)
  }
}

/** Topic counters as rows. */
export function statRows(stats: readonly TopicStat[]): TopicStatRows {
  const rows = newStatRows(stats.length)
  stats.forEach((s, i) => {
    rows.connection[i] = s.connection
    rows.topic[i] = s.topic
    rows.messages[i] = s.messages
    rows.errors[i] = s.errors
    rows.lastError[i] = s.lastError ?? null
    rows.format[i] = s.format ?? null
  })
  return rows
}

/** The rows as one TopicStat per topic. */
export function statsOfRows(rows: TopicStatRows): TopicStat[] {
  const out: TopicStat[] = []
  for (let i = 0; i < rows.topic.length; i++) {
    const stat: TopicStat = {
      connection: rows.connection[i],
      topic: rows.topic[i],
      messages: rows.messages[i],
      errors: rows.errors[i]
    }
    if (rows.lastError[i] !== null) stat.lastError = rows.lastError[i]!
    if (rows.format[i] !== null) stat.format = rows.format[i]!
    out.push(stat)
  }
  return out
}
