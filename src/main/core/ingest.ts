import type { Profile, TopicConfig } from '../../shared/schemas'
import { DEFAULT_UNITS, decoderSchema } from '../../shared/schemas'
import type { CaptureStore } from './capture/capture-store'
import type { TopicEntry } from './capture/series-registry'
import {
  AutoDecoder,
  createDecoder,
  SparkplugState,
  type Decoder,
  type DecoderContext
} from './decode'
import { NumberDecoder, RawDecoder } from './decode/number-decoder'

/** True when an MQTT topic matches a subscription filter (`+` one level, `#` the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true
  // The usual subscriptions (`#`, `plant/#`) without splitting: a first message per topic
  // asks this for each filter of the profile.
  if (filter === '#') return !topic.startsWith('$')
  if (filter.endsWith('/#') && !filter.includes('+') && filter.indexOf('#') === filter.length - 1)
    return topic.startsWith(filter.slice(0, -1)) || topic === filter.slice(0, -2)
  const f = filter.split('/')
  const t = topic.split('/')
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i > 0 || !topic.startsWith('$')
    if (i >= t.length) return false
    if (f[i] === '+') {
      if (i === 0 && topic.startsWith('$')) return false
      continue
    }
    if (f[i] !== t[i]) return false
  }
  return f.length === t.length
}

/** A field's unit under a rule: the rule's own, then (for CSV) the reference columns' defaults. */
function unitOf(config: TopicConfig, format: string, field: string): string {
  const csv = format === 'csv' || config.decoder.format === 'csv'
  return config.decoder.units[field] ?? (csv ? (DEFAULT_UNITS[field] ?? '') : '')
}

/** The rule of a profile that decodes a topic: its first matching filter's, or the fallback. */
function ruleFor(profile: Profile, topic: string, fallback: TopicConfig): TopicConfig {
  return profile.topics.find((t) => topicMatches(t.filter, topic)) ?? fallback
}

/**
 * What every topic one rule decodes can share: its unit rule, and the decoders that keep
 * nothing between messages. A broker with 100,000 numeric topics then holds one decoder, not
 * 100,000 (each with its last row and payload).
 */
class SharedRule {
  private readonly stateless = new Map<string, Decoder>()
  private readonly unitRules = new Map<string, (field: string) => string>()
  /** Set once the profile's rules changed: topics routed by this rule are routed again. */
  stale = false
  /** What an auto decoder asks for the decoder of the format it told apart. */
  readonly lookup = (format: string): Decoder | undefined => this.decoder(format)

  constructor(
    readonly owner: Ingest,
    private readonly config: TopicConfig
  ) {}

  get units(): Record<string, string> {
    return this.config.decoder.units
  }

  /** The shared decoder of `format` when it keeps no state between messages. */
  decoder(format: string): Decoder | undefined {
    let decoder = this.stateless.get(format)
    if (!decoder) {
      if (format === 'number') decoder = new NumberDecoder(this.config.decoder.numberField)
      else if (format === 'raw') decoder = new RawDecoder()
      else return undefined
      this.stateless.set(format, decoder)
    }
    return decoder
  }

  /** Units by field for topics of `format` (see unitOf): one function per kind. */
  unitFor(format: string): (field: string) => string {
    const key = format === 'csv' ? 'csv' : ''
    let rule = this.unitRules.get(key)
    if (!rule) {
      rule = (field) => unitOf(this.config, key, field)
      this.unitRules.set(key, rule)
    }
    return rule
  }
}

const MAX_ROUTES = 100_000

/**
 * Turns one connection's messages into captured readings: finds the topic's decoder (by the
 * first matching filter, cached per topic), decodes, and hands rows to the capture store.
 * Bad payloads are counted on the topic with their reason; nothing here throws.
 */
export interface IngestOptions {
  /** Publishes on the connection; used only when the profile allows publishing. */
  publish?: (topic: string, payload: Uint8Array) => void
}

export class Ingest {
  /** Topics whose decoder is kept on their entry (bounded: stateful decoders hold memory). */
  private routed = 0
  private readonly shared = new Map<TopicConfig, SharedRule>()
  /** Entries of series topics (Sparkplug's `<group>/<edge node>[/<device>]`). */
  private readonly seriesEntries = new Map<string, TopicEntry>()
  /**
   * Entries by the explorer tree's node id: the tree has found the topic already, so a second
   * lookup by its name is saved. Forgotten when entries are made anew or the profile changes.
   */
  private byNode: (TopicEntry | undefined)[] = []
  private byNodeGeneration = -1
  private readonly fallback: TopicConfig
  /** What this connection knows about its Sparkplug B nodes and devices. */
  readonly sparkplug: SparkplugState

  constructor(
    private profile: Profile,
    private readonly store: CaptureStore,
    private readonly options: IngestOptions = {}
  ) {
    this.fallback = { filter: '#', qos: 0, decoder: decoderSchema.parse({}) }
    this.sparkplug = new SparkplugState({ publish: this.publisher(profile) })
  }

  /**
   * Returns the decoded field names (the decoder's own array, for the topic explorer).
   * `nodeId` is the topic's node in the explorer's tree (-1: none), by which its entry is kept;
   * `now` the time it was received.
   */
  handle(
    topic: string,
    payload: Uint8Array,
    nodeId = -1,
    now = Date.now()
  ): readonly string[] | undefined {
    if (this.byNodeGeneration !== this.store.topicGeneration) this.forgetNodes()
    // A topic's decoder lives on its entry in the capture's registry (one object per topic).
    let entry = nodeId >= 0 ? this.byNode[nodeId] : undefined
    if (entry === undefined) {
      // Found or made in one lookup: a new topic is the usual reason to be here.
      entry = this.store.topicFor(this.profile.name, topic)
      if (nodeId >= 0) this.byNode[nodeId] = entry
    }
    const decoder = this.routes(entry) ? (entry.route as Decoder) : this.route(topic, entry)
    try {
      const outcome = decoder.decode(payload, now)
      if (decoder instanceof AutoDecoder) this.settle(entry, decoder)
      if (!outcome.ok) {
        // Kept with its payload, so a capture can be decoded again once the rule is fixed.
        this.store.appendUndecoded(entry, now, payload)
        this.store.countMessage(entry, decoder.format, outcome.error)
        return undefined
      }
      const rows = outcome.rows
      let refused: string | undefined
      let kept = false
      let counted: TopicEntry | null = null
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]
        let reason: string | undefined
        if (row.seriesTopic === undefined) {
          reason = this.store.append(entry, row, kept ? null : payload)
        } else {
          // Readings of a series topic (Sparkplug): the payload is kept once, on the topic it
          // came on, and the rows follow it, so decoding the capture again replaces them.
          if (!kept) this.store.appendUndecoded(entry, now, payload)
          kept = true
          const series = this.seriesEntry(row.seriesTopic, entry)
          // A message counts once on each series topic it brings readings to.
          if (series !== counted) this.store.countMessage((counted = series), decoder.format)
          reason = this.store.append(series, row, null)
        }
        if (reason) refused ??= reason
        else kept = true
      }
      if (!kept) this.store.appendUndecoded(entry, now, payload)
      this.store.countMessage(entry, decoder.format, refused ?? outcome.warning)
      return rows[0]?.fields
    } catch (error) {
      // A decoder bug must cost one message, never the app (a persistent session would
      // deliver the same message again at every start).
      this.store.countMessage(
        entry,
        decoder.format,
        `could not be decoded (${String((error as Error)?.message ?? error).slice(0, 200)})`
      )
      return undefined
    }
  }

  /** New decoding rules (the profile was saved): each topic picks its decoder again. */
  useProfile(profile: Profile): void {
    this.profile = profile
    this.forgetRoutes()
    this.sparkplug.setPublish(this.publisher(profile))
  }

  /** Forgets the topics seen (their entries belong to history that is being reloaded). */
  clearRoutes(): void {
    this.forgetRoutes()
    this.seriesEntries.clear()
  }

  private forgetRoutes(): void {
    for (const rule of this.shared.values()) rule.stale = true
    this.shared.clear()
    this.routed = 0
    this.forgetNodes()
  }

  private forgetNodes(): void {
    this.byNode = []
    this.byNodeGeneration = this.store.topicGeneration
  }

  /** Whether the entry holds this ingest's current decoder for its topic. */
  private routes(entry: TopicEntry): boolean {
    const rule = entry.routeOwner
    return rule instanceof SharedRule && rule.owner === this && !rule.stale && entry.route !== null
  }

  /** Picks the topic's decoder and units by the profile's rules; kept on its entry. */
  private route(topic: string, entry: TopicEntry): Decoder {
    const config = ruleFor(this.profile, topic, this.fallback)
    let rule = this.shared.get(config)
    if (!rule) this.shared.set(config, (rule = new SharedRule(this, config)))
    const format = config.decoder.format
    const decoder =
      rule.decoder(format) ??
      createDecoder(config.decoder, { topic, sparkplug: this.sparkplug, shared: rule.lookup })
    entry.unitFor = rule.unitFor(decoder.format)
    entry.routeOwner = rule
    entry.route = this.routed < MAX_ROUTES ? decoder : null
    if (entry.route) this.routed++
    return decoder
  }

  /**
   * A topic's format was just told apart: it keeps that decoder (the rule's shared one when the
   * format keeps no state) and takes the rule's units for it.
   */
  private settle(entry: TopicEntry, decoder: AutoDecoder): void {
    const inner = decoder.settled
    if (!inner) return
    const rule = entry.routeOwner as SharedRule
    if (this.routes(entry)) entry.route = inner
    entry.unitFor = rule.unitFor(inner.format)
  }

  private seriesEntry(series: string, from: TopicEntry): TopicEntry {
    let entry = this.seriesEntries.get(series)
    if (!entry) {
      const units = (from.routeOwner as SharedRule).units
      const unitFor = (field: string): string =>
        units[field] ?? this.sparkplug.unitOf(series, field) ?? ''
      entry = this.store.topicFor(this.profile.name, series, unitFor)
      if (this.seriesEntries.size < MAX_ROUTES) this.seriesEntries.set(series, entry)
    }
    return entry
  }

  private publisher(profile: Profile): IngestOptions['publish'] {
    return profile.allowPublish ? this.options.publish : undefined
  }
}

/**
 * How a profile decodes a topic: the decoder of its first matching filter (or the fallback's)
 * and the unit of each field.
 */
export function decodingFor(
  profile: Profile,
  topic: string,
  fallback: TopicConfig,
  context: Omit<DecoderContext, 'topic'> = {}
): {
  decoder: Decoder
  unitFor: (field: string) => string
  units: Record<string, string>
} {
  const config = ruleFor(profile, topic, fallback)
  const decoder = createDecoder(config.decoder, { ...context, topic })
  // The decoder's format is asked per field: an auto decoder tells it after its first message.
  const unitFor = (field: string): string => unitOf(config, decoder.format, field)
  return { decoder, unitFor, units: config.decoder.units }
}
