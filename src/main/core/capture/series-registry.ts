import type { SeriesDef, TopicStat } from '../../../shared/types'
import type { FieldSetDef, TopicDef } from './journal-format'
import { fmtCount, MAX_FIELD_SETS_PER_TOPIC, MAX_FIELDS_PER_TOPIC } from '../limits'

/** What the hot path needs for one distinct list of fields on one topic. */
export interface FieldSlot {
  fields: readonly string[]
  fieldSet: FieldSetDef
  /** Also where its points go in the capture store's PointLog. */
  seriesIds: number[]
}

export interface TopicEntry {
  def: TopicDef
  stat: TopicStat
  /** Last field list seen: decoders reuse the same array, so identity is a cheap cache key. */
  lastFields: readonly string[] | null
  lastSlot: FieldSlot | null
  slots: Map<string, FieldSlot>
  /** Distinct fields (series) this topic has; bounded by MAX_FIELDS_PER_TOPIC. */
  fieldCount: number
  unitFor: (field: string) => string
  /** Counters changed since the UI last heard: collected at the next batch. */
  dirty: boolean
}

/**
 * Every topic and series seen in this run, with ids and units (the points are in PointLog).
 * Ids are per run; the journal repeats definitions in each part, so they need not be stable.
 */
export class SeriesRegistry {
  private readonly topics = new Map<string, TopicEntry>()
  private readonly series = new Map<string, SeriesDef>()
  private readonly defsById = new Map<number, SeriesDef>()
  private readonly fieldSets = new Map<string, FieldSetDef>()
  private nextTopicId = 1
  private nextFieldSetId = 1
  private nextSeriesId = 1

  constructor(private readonly onNewSeries: (def: SeriesDef) => void) {}

  topic(
    connection: string,
    topic: string,
    unitFor: (field: string) => string = () => ''
  ): TopicEntry {
    const key = `${connection}\u0000${topic}`
    let entry = this.topics.get(key)
    if (!entry) {
      entry = {
        def: { id: this.nextTopicId++, connection, topic },
        stat: { connection, topic, messages: 0, errors: 0 },
        lastFields: null,
        lastSlot: null,
        slots: new Map(),
        fieldCount: 0,
        unitFor,
        dirty: false
      }
      this.topics.set(key, entry)
    } else {
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
    const key = fields.join('\u0000')
    let slot = entry.slots.get(key)
    if (!slot) {
      const refused = this.overLimits(entry, fields)
      if (refused) return refused
      const unitList = fields.map((f, i) => units?.[i] || entry.unitFor(f))
      slot = {
        fields,
        fieldSet: this.fieldSet(entry.def.id, fields, unitList),
        seriesIds: fields.map((f, i) => this.seriesFor(entry, f, unitList[i]).id)
      }
      entry.slots.set(key, slot)
    }
    entry.lastFields = fields
    entry.lastSlot = slot
    return slot
  }

  private overLimits(entry: TopicEntry, fields: readonly string[]): string | null {
    if (entry.slots.size >= MAX_FIELD_SETS_PER_TOPIC)
      return `the fields change with every message: more than ${fmtCount(MAX_FIELD_SETS_PER_TOPIC)} combinations on one topic`
    let added = 0
    for (const f of fields) {
      const key = `${entry.def.connection}\u0000${entry.def.topic}\u0000${f}`
      if (!this.series.has(key)) added++
    }
    if (entry.fieldCount + added > MAX_FIELDS_PER_TOPIC)
      return `more than ${fmtCount(MAX_FIELDS_PER_TOPIC)} different fields on one topic, the limit per topic`
    return null
  }

  allDefs(): SeriesDef[] {
    return [...this.defsById.values()]
  }

  def(id: number): SeriesDef | undefined {
    return this.defsById.get(id)
  }

  /**
   * Forgets every topic and series (a capture was decoded again: history is reloaded). Ids go
   * on counting, so an id already in the journal or in a window never means something else.
   */
  clear(): void {
    this.topics.clear()
    this.series.clear()
    this.defsById.clear()
    this.fieldSets.clear()
  }

  topicStats(): TopicStat[] {
    return [...this.topics.values()].map((e) => ({ ...e.stat }))
  }

  private seriesFor(entry: TopicEntry, field: string, unit: string): SeriesDef {
    const key = `${entry.def.connection}\u0000${entry.def.topic}\u0000${field}`
    let def = this.series.get(key)
    if (!def) {
      def = {
        id: this.nextSeriesId++,
        connection: entry.def.connection,
        topic: entry.def.topic,
        field,
        unit
      }
      this.defsById.set(def.id, def)
      this.series.set(key, def)
      entry.fieldCount++
      this.onNewSeries(def)
    }
    return def
  }

  private fieldSet(topicId: number, names: readonly string[], units: string[]): FieldSetDef {
    const key = `${topicId}\u0001${names.join('\u0000')}\u0001${units.join('\u0000')}`
    let def = this.fieldSets.get(key)
    if (!def) {
      def = { id: this.nextFieldSetId++, topicId, names: [...names], units }
      this.fieldSets.set(key, def)
    }
    return def
  }
}
