import type { SeriesDef, TopicStat } from '../../../shared/types'
import type { FieldSetDef, TopicDef } from './journal-format'
import { fmtCount, MAX_FIELD_SETS_PER_TOPIC, MAX_FIELDS_PER_TOPIC } from '../limits'

/**
 * One distinct list of fields on one topic: its journal definition (the part index keeps the
 * slot itself, written out as the definition alone) and the series of each field.
 */
export class FieldSlot implements FieldSetDef {
  constructor(
    readonly id: number,
    readonly topicId: number,
    readonly names: readonly string[],
    readonly units: readonly string[],
    /** The list as the decoder gave it: its identity is the hot path's cache key. */
    readonly fields: readonly string[],
    /** Each field's series, in field order (its id is where the points go in the PointLog). */
    readonly series: readonly SeriesDef[]
  ) {}

  toJSON(): FieldSetDef {
    return { id: this.id, topicId: this.topicId, names: this.names, units: this.units }
  }
}

/**
 * One topic of one connection: its journal definition (the part index keeps the entry itself,
 * written out as the definition alone), counters, field lists and series, and how ingest
 * decodes it. One object per topic (with few fields beside), since a broker may carry 100,000.
 */
export class TopicEntry implements TopicDef {
  /** Counters (the TopicStat without its names, which are the definition's). */
  messages = 0
  errors = 0
  lastError: string | undefined = undefined
  format: string | undefined = undefined
  /** Last field list seen: decoders reuse the same array, so identity is a cheap cache key. */
  lastFields: readonly string[] | null = null
  /** The last field list's slot: most topics never have another, so they need no map. */
  lastSlot: FieldSlot | null = null
  /** Every field list, by its names joined; made when a second one appears. */
  slots: Map<string, FieldSlot> | null = null
  /**
   * This topic's series (its distinct fields), bounded by MAX_FIELDS_PER_TOPIC. Copied to add
   * one while short: an array grown by push keeps room for 16, and most topics have one.
   */
  series: readonly SeriesDef[] = NO_SERIES
  /** The same by field name, once a topic has more than a few. */
  seriesByField: Map<string, SeriesDef> | null = null
  /** Counters changed since the UI last heard: collected at the next batch. */
  dirty = false
  /** The decoding ingest chose for the topic, and which ingest did (kept by it, not here). */
  route: unknown = null
  routeOwner: object | null = null

  constructor(
    readonly id: number,
    readonly connection: string,
    readonly topic: string,
    public unitFor: (field: string) => string
  ) {}

  toJSON(): TopicDef {
    return { id: this.id, connection: this.connection, topic: this.topic }
  }
}

/** A topic's counters as the UI takes them. */
function topicStat(entry: TopicEntry): TopicStat {
  return {
    connection: entry.connection,
    topic: entry.topic,
    messages: entry.messages,
    errors: entry.errors,
    lastError: entry.lastError,
    format: entry.format
  }
}

/** Series a topic may have before finding one by name goes through a map. */
const LINEAR_FIELDS = 8

const NO_UNITS = (): string => ''
const NO_SERIES: readonly SeriesDef[] = Object.freeze([])
/** Distinct unit lists shared at most (a hostile broker makes a new one per topic). */
const MAX_UNIT_LISTS = 1024

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * Every topic and series seen in this run, with ids and units (the points are in PointLog).
 * Ids are per run; the journal repeats definitions in each part, so they need not be stable.
 * A broker may carry 100,000 topics: what is kept per topic is a few small objects, keyed by
 * the topic string itself (no key built per topic or per series).
 */
export class SeriesRegistry {
  /** Per connection, per topic. */
  private readonly topics = new Map<string, Map<string, TopicEntry>>()
  private lastConnection: string | null = null
  private lastTopics: Map<string, TopicEntry> | null = null
  /** Series by id: ids since the last clear() are dense, so an array from `firstId` on. */
  private defsById: SeriesDef[] = []
  private firstId = 1
  private readonly unitLists = new Map<string, readonly string[]>()
  private lastUnits: {
    fields: readonly string[]
    rule: (field: string) => string
    units: readonly string[]
  } | null = null
  private nextTopicId = 1
  private nextFieldSetId = 1
  private nextSeriesId = 1

  constructor(private readonly onNewSeries: (def: SeriesDef) => void) {}

  /** The topic's entry, made on first sight; `unitFor` (when given) becomes its unit rule. */
  topic(connection: string, topic: string, unitFor?: (field: string) => string): TopicEntry {
    const topics = this.topicsOf(connection)
    let entry = topics.get(topic)
    if (!entry) {
      entry = new TopicEntry(this.nextTopicId++, connection, topic, unitFor ?? NO_UNITS)
      topics.set(topic, entry)
    } else if (unitFor) {
      entry.unitFor = unitFor
    }
    return entry
  }

  /**
   * The slot for this list of fields, made on first sight; a string (the reason) when the
   * topic would go over its limits of fields or field combinations.
   */
  slot(
    entry: TopicEntry,
    fields: readonly string[],
    units?: readonly string[]
  ): FieldSlot | string {
    if (entry.lastFields === fields && entry.lastSlot) return entry.lastSlot
    let slot: FieldSlot | undefined
    if (entry.lastSlot && sameFields(entry.lastSlot.fields, fields)) slot = entry.lastSlot
    else slot = entry.slots?.get(fields.join('\u0000'))
    if (!slot) {
      const refused = this.overLimits(entry, fields)
      if (refused) return refused
      const unitList = this.unitsOf(entry, fields, units)
      let series: readonly SeriesDef[]
      if (entry.series.length === 0) {
        // A topic's first list makes its series in this order: one array serves both.
        for (let i = 0; i < fields.length; i++) this.seriesFor(entry, fields[i], unitList[i])
        series =
          entry.series.length === fields.length
            ? entry.series
            : fields.map((f) => this.seriesOf(entry, f)!)
      } else series = fields.map((f, i) => this.seriesFor(entry, f, unitList[i]))
      slot = new FieldSlot(
        this.nextFieldSetId++,
        entry.id,
        // A frozen list (a decoder's own) cannot change under the journal; others are copied.
        Object.isFrozen(fields) ? fields : [...fields],
        unitList,
        fields,
        series
      )
      const only = entry.lastSlot
      if (only) {
        entry.slots ??= new Map([[only.fields.join('\u0000'), only]])
        entry.slots.set(fields.join('\u0000'), slot)
      }
    }
    entry.lastFields = fields
    entry.lastSlot = slot
    return slot
  }

  private overLimits(entry: TopicEntry, fields: readonly string[]): string | null {
    if ((entry.slots?.size ?? (entry.lastSlot ? 1 : 0)) >= MAX_FIELD_SETS_PER_TOPIC)
      return `the fields change with every message: more than ${fmtCount(MAX_FIELD_SETS_PER_TOPIC)} combinations on one topic`
    let added = 0
    for (let i = 0; i < fields.length; i++) if (!this.seriesOf(entry, fields[i])) added++
    if (entry.series.length + added > MAX_FIELDS_PER_TOPIC)
      return `more than ${fmtCount(MAX_FIELDS_PER_TOPIC)} different fields on one topic, the limit per topic`
    return null
  }

  allDefs(): SeriesDef[] {
    return this.defsById.slice()
  }

  def(id: number): SeriesDef | undefined {
    return this.defsById[id - this.firstId]
  }

  /** The topic's entry, if it has been seen. */
  find(connection: string, topic: string): TopicEntry | undefined {
    return this.topicsOf(connection).get(topic)
  }

  /** A connection's topics; the last one asked is kept at hand (every message asks). */
  private topicsOf(connection: string): Map<string, TopicEntry> {
    if (connection === this.lastConnection && this.lastTopics) return this.lastTopics
    let topics = this.topics.get(connection)
    if (!topics) this.topics.set(connection, (topics = new Map()))
    this.lastConnection = connection
    this.lastTopics = topics
    return topics
  }

  /**
   * Forgets every topic and series (a capture was decoded again: history is reloaded). Ids go
   * on counting, so an id already in the journal or in a window never means something else.
   */
  /** Counts the clear() calls: an entry kept from before the last one is no longer the topic's. */
  generation = 0

  clear(): void {
    this.generation++
    this.topics.clear()
    this.lastTopics = null
    this.defsById = []
    this.firstId = this.nextSeriesId
  }

  topicStats(): TopicStat[] {
    const stats: TopicStat[] = []
    for (const topics of this.topics.values())
      for (const e of topics.values()) stats.push(topicStat(e))
    return stats
  }

  /**
   * The units of a list of fields (shared, see sharedUnits). Topics of one kind come with the
   * same field list (a decoder's own array) and unit rule: the last answer serves them again.
   */
  private unitsOf(
    entry: TopicEntry,
    fields: readonly string[],
    units: readonly string[] | undefined
  ): readonly string[] {
    const memo = this.lastUnits
    if (!units && memo && memo.fields === fields && memo.rule === entry.unitFor) return memo.units
    const shared = this.sharedUnits(fields.map((f, i) => units?.[i] || entry.unitFor(f)))
    // Only a frozen list is known to keep its names.
    if (!units && Object.isFrozen(fields))
      this.lastUnits = { fields, rule: entry.unitFor, units: shared }
    return shared
  }

  /** One array per distinct list of units: topics of one kind all have the same. */
  private sharedUnits(units: string[]): readonly string[] {
    const key = units.join('\u0000')
    let shared = this.unitLists.get(key)
    if (!shared) {
      shared = Object.freeze(units)
      if (this.unitLists.size < MAX_UNIT_LISTS) this.unitLists.set(key, shared)
    }
    return shared
  }

  private seriesOf(entry: TopicEntry, field: string): SeriesDef | undefined {
    if (entry.seriesByField) return entry.seriesByField.get(field)
    const series = entry.series
    for (let i = 0; i < series.length; i++) if (series[i].field === field) return series[i]
    return undefined
  }

  private seriesFor(entry: TopicEntry, field: string, unit: string): SeriesDef {
    let def = this.seriesOf(entry, field)
    if (!def) {
      def = {
        id: this.nextSeriesId++,
        connection: entry.connection,
        topic: entry.topic,
        field,
        unit
      }
      this.defsById.push(def)
      const series = entry.series
      if (series.length < LINEAR_FIELDS)
        entry.series = series.length === 0 ? [def] : series.concat(def)
      else (series as SeriesDef[]).push(def)
      if (entry.seriesByField) entry.seriesByField.set(field, def)
      else if (entry.series.length > LINEAR_FIELDS)
        entry.seriesByField = new Map(entry.series.map((d) => [d.field, d]))
      this.onNewSeries(def)
    }
    return def
  }
}
