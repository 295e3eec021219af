// The tree's filter: an MQTT filter when the text has + or # levels (plant/+/dev7/#), else
// a case-insensitive substring of the topic or of one of its field names. It runs on the
// renderer's mirror (no round trip per key); counts under a filter are the matching topics'.
import { grow, type TopicMirror } from './topic-mirror'

export type CompiledFilter =
  { kind: 'none' } | { kind: 'wildcard'; levels: string[] } | { kind: 'text'; needle: string }

export function compileFilter(text: string): CompiledFilter {
  const t = text.trim()
  if (t === '') return { kind: 'none' }
  const levels = t.split('/')
  if (levels.some((l) => l === '+' || l === '#')) return { kind: 'wildcard', levels }
  return { kind: 'text', needle: t.toLowerCase() }
}

/** Whether an MQTT filter (levels split on '/') matches a topic's levels. */
export function wildcardMatches(filter: readonly string[], topic: readonly string[]): boolean {
  for (let i = 0; i < filter.length; i++) {
    const f = filter[i]
    if (f === '#') return i > 0 || !topic[0]?.startsWith('$')
    if (i >= topic.length) return false
    if (f === '+') {
      if (i === 0 && topic[0].startsWith('$')) return false
      continue
    }
    if (f !== topic[i]) return false
  }
  return filter.length === topic.length
}

export const MATCH_SELF = 1
export const MATCH_BELOW = 2

/** Which nodes a filter keeps, and the figures that follow it. */
export class FilterResult {
  /** Per node: MATCH_SELF (the topic matches) | MATCH_BELOW (a matching topic lies below). */
  mark: Uint8Array
  /** Matching topic ids: the first `matchCount` entries. */
  matchIds: Int32Array
  matchCount = 0
  /** Per node: messages and topics of the matching topics at or below it (sized when counted). */
  messages: Float64Array
  topics: Float64Array
  /** The mirror's figures version the counts were summed at. */
  countedAt = -1
  /** How many matches the topic counts were summed for (-1: not yet). */
  topicsCounted = -1
  /** Every topic matches: the counts are the mirror's (countFiltered skips summing). */
  all = false
  /** Nodes examined so far (a later run only looks at new ones). */
  examined = 0
  /** The mirror's filterCounter when last run. */
  fieldsSeen = 0

  /**
   * `spare`: a result no longer shown, whose arrays this one takes over where they are large
   * enough; typing would otherwise allocate a few MB per keystroke for the collector.
   */
  constructor(
    readonly filter: CompiledFilter,
    size: number,
    spare?: FilterResult | null
  ) {
    if (spare && spare.mark.length >= size) {
      this.mark = spare.mark
      this.mark.fill(0)
    } else this.mark = new Uint8Array(size)
    this.matchIds = spare?.matchIds ?? new Int32Array(1024)
    this.messages = spare?.messages ?? EMPTY
    this.topics = spare?.topics ?? EMPTY
    if (spare) {
      // Taken: the spare is never read again, and must not write into them.
      spare.mark = EMPTY_MARK
      spare.matchIds = EMPTY_IDS
      spare.matchCount = 0
      spare.messages = spare.topics = EMPTY
    }
  }

  /** The matching topic ids (a view: valid until the result changes). */
  get matches(): Int32Array {
    return this.matchIds.subarray(0, this.matchCount)
  }
}

const EMPTY = new Float64Array(0)
const EMPTY_IDS = new Int32Array(0)
const EMPTY_MARK = new Uint8Array(0)

function matchesText(mirror: TopicMirror, id: number, needle: string): boolean {
  if (mirror.lowerTopicOf(id).includes(needle)) return true
  const fields = mirror.fields[id]
  if (fields) for (const f of fields) if (f.toLowerCase().includes(needle)) return true
  return false
}

function mark(result: FilterResult, mirror: TopicMirror, id: number): void {
  if ((result.mark[id] & MATCH_SELF) !== 0) return
  result.mark[id] |= MATCH_SELF
  result.matchIds = grow(result.matchIds, result.matchCount + 1)
  result.matchIds[result.matchCount++] = id
  for (
    let p = mirror.parent[id];
    p >= 0 && (result.mark[p] & MATCH_BELOW) === 0;
    p = mirror.parent[p]
  )
    result.mark[p] |= MATCH_BELOW
}

/** Every topic at or below `id`. */
function markSubtree(result: FilterResult, mirror: TopicMirror, id: number): void {
  const stack = [id]
  while (stack.length > 0) {
    const n = stack.pop()!
    if (mirror.isTopic(n)) mark(result, mirror, n)
    mirror.eachChild(n, (c) => stack.push(c))
  }
}

/** An MQTT filter walks the tree level by level: only the branches it names are visited. */
function walkWildcard(
  result: FilterResult,
  mirror: TopicMirror,
  id: number,
  levels: readonly string[],
  i: number
): void {
  if (i === levels.length) {
    if (mirror.isTopic(id)) mark(result, mirror, id)
    return
  }
  const f = levels[i]
  if (f === '#') {
    // `a/#` matches `a` too; a leading wildcard never matches `$` topics.
    if (i > 0 && mirror.isTopic(id)) mark(result, mirror, id)
    mirror.eachChild(id, (c) => {
      if (i > 0 || !mirror.names[c].startsWith('$')) markSubtree(result, mirror, c)
    })
    return
  }
  mirror.eachChild(id, (c) => {
    const name = mirror.names[c]
    if (f === '+' ? i > 0 || !name.startsWith('$') : name === f)
      walkWildcard(result, mirror, c, levels, i + 1)
  })
}

/**
 * Runs the filter on the mirror. A text filter looks only at nodes that are new, or whose
 * field names changed, since `previous` (extended in place); an MQTT filter walks again.
 * `spare` lends its arrays to a new result (see FilterResult).
 */
export function runFilter(
  mirror: TopicMirror,
  filter: CompiledFilter,
  previous?: FilterResult,
  spare?: FilterResult | null
): FilterResult {
  if (filter.kind !== 'text') {
    const result = new FilterResult(filter, mirror.count, spare)
    if (filter.kind === 'wildcard')
      for (const root of mirror.roots) walkWildcard(result, mirror, root.id, filter.levels, 0)
    result.examined = mirror.count
    result.fieldsSeen = mirror.filterCounter
    return result
  }
  let result = previous
  if (!result || result.filter !== filter || result.examined > mirror.count) {
    result = new FilterResult(filter, mirror.count, spare)
  } else if (result.mark.length < mirror.count) {
    const marks = new Uint8Array(mirror.count)
    marks.set(result.mark)
    result.mark = marks
    result.topicsCounted = -1
  }
  const start = result.examined
  const seen = result.fieldsSeen
  for (let id = 0; id < mirror.count; id++) {
    if (id < start && mirror.filterSeq[id] <= seen) continue
    if (!mirror.isTopic(id) || (result.mark[id] & MATCH_SELF) !== 0) continue
    if (matchesText(mirror, id, filter.needle)) mark(result, mirror, id)
  }
  result.examined = mirror.count
  result.fieldsSeen = mirror.filterCounter
  result.countedAt = -1
  return result
}

/**
 * A text filter that contains the previous one (a character typed) matches a subset of its
 * topics: only those are tested again, not every topic.
 */
export function narrowFilter(
  mirror: TopicMirror,
  filter: CompiledFilter & { kind: 'text' },
  from: FilterResult,
  spare?: FilterResult | null
): FilterResult {
  const result = new FilterResult(filter, mirror.count, spare)
  const ids = from.matchIds
  for (let i = 0; i < from.matchCount; i++)
    if (matchesText(mirror, ids[i], filter.needle)) mark(result, mirror, ids[i])
  // Nodes the previous run had not seen are looked at by the next run as usual.
  result.examined = from.examined
  result.fieldsSeen = from.fieldsSeen
  return result
}

/**
 * Sums the matching topics' figures into every node above them (when the mirror moved on):
 * one pass from the highest id down, since a parent's id is always lower than its child's.
 */
export function countFiltered(mirror: TopicMirror, result: FilterResult): void {
  if (result.countedAt === mirror.version) return
  // Every topic matches (a letter they all have): the counts are the mirror's own.
  let total = 0
  for (const r of mirror.roots) total += mirror.topics[r.id]
  result.all = result.matchCount === total
  if (result.all) {
    result.countedAt = mirror.version
    return
  }
  const size = result.mark.length
  // Topic counts change only with the matches; message counts with every delta.
  let recountTopics = result.topicsCounted !== result.matchCount
  if (result.messages.length < size) {
    result.messages = new Float64Array(size)
    result.topics = new Float64Array(size)
    recountTopics = true
  }
  const { messages, topics, mark, matchIds } = result
  messages.fill(0, 0, size)
  if (recountTopics) topics.fill(0, 0, size)
  for (let i = 0; i < result.matchCount; i++) {
    const id = matchIds[i]
    messages[id] = mirror.ownMessages(id)
    if (recountTopics) topics[id] = 1
  }
  const parent = mirror.parent
  for (let id = Math.min(mirror.count, size) - 1; id > 0; id--) {
    if (mark[id] === 0) continue
    const p = parent[id]
    if (p < 0) continue
    messages[p] += messages[id]
    if (recountTopics) topics[p] += topics[id]
  }
  result.topicsCounted = result.matchCount
  result.countedAt = mirror.version
}
