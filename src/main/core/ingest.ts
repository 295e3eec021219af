import type { Profile, TopicConfig } from '../../shared/schemas'
import { DEFAULT_UNITS, decoderSchema } from '../../shared/schemas'
import type { CaptureStore } from './capture/capture-store'
import type { TopicEntry } from './capture/series-registry'
import { createDecoder, type Decoder } from './decode'

/** True when an MQTT topic matches a subscription filter (`+` one level, `#` the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true
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

interface Route {
  entry: TopicEntry
  decoder: Decoder
}

const MAX_ROUTES = 100_000

/**
 * Turns one connection's messages into captured readings: finds the topic's decoder (by the
 * first matching filter, cached per topic), decodes, and hands rows to the capture store.
 * Bad payloads are counted on the topic with their reason; nothing here throws.
 */
export class Ingest {
  private readonly routes = new Map<string, Route>()
  private readonly fallback: TopicConfig

  constructor(
    private profile: Profile,
    private readonly store: CaptureStore
  ) {
    this.fallback = { filter: '#', qos: 0, decoder: decoderSchema.parse({}) }
  }

  /** Returns the decoded field names (the decoder's own array, for the topic explorer). */
  handle(topic: string, payload: Uint8Array): readonly string[] | undefined {
    let route = this.routes.get(topic)
    if (!route) route = this.route(topic)
    const now = Date.now()
    try {
      const outcome = route.decoder.decode(payload, now)
      if (!outcome.ok) {
        // Kept with its payload, so a capture can be decoded again once the rule is fixed.
        this.store.appendUndecoded(route.entry, now, payload)
        this.store.countMessage(route.entry, route.decoder.format, outcome.error)
        return undefined
      }
      const rows = outcome.rows
      let refused: string | undefined
      let kept = false
      for (let i = 0; i < rows.length; i++) {
        const reason = this.store.append(route.entry, rows[i], kept ? null : payload)
        if (reason) refused ??= reason
        else kept = true
      }
      if (!kept) this.store.appendUndecoded(route.entry, now, payload)
      this.store.countMessage(route.entry, route.decoder.format, refused ?? outcome.warning)
      return rows[0]?.fields
    } catch (error) {
      // A decoder bug must cost one message, never the app (a persistent session would
      // deliver the same message again at every start).
      this.store.countMessage(
        route.entry,
        route.decoder.format,
        `could not be decoded (${String((error as Error)?.message ?? error).slice(0, 200)})`
      )
      return undefined
    }
  }

  /** New decoding rules (the profile was saved): each topic picks its decoder again. */
  useProfile(profile: Profile): void {
    this.profile = profile
    this.routes.clear()
  }

  /** Forgets the topics seen (their entries belong to history that is being reloaded). */
  clearRoutes(): void {
    this.routes.clear()
  }

  private route(topic: string): Route {
    const { decoder, unitFor } = decodingFor(this.profile, topic, this.fallback)
    const route = { entry: this.store.topicFor(this.profile.name, topic, unitFor), decoder }
    if (this.routes.size < MAX_ROUTES) this.routes.set(topic, route)
    return route
  }
}

/**
 * How a profile decodes a topic: the decoder of its first matching filter (or the fallback's)
 * and the unit of each field.
 */
export function decodingFor(
  profile: Profile,
  topic: string,
  fallback: TopicConfig
): { decoder: Decoder; unitFor: (field: string) => string } {
  const config = profile.topics.find((t) => topicMatches(t.filter, topic)) ?? fallback
  const decoder = createDecoder(config.decoder)
  const units = config.decoder.units
  const unitFor = (field: string): string =>
    units[field] ??
    (decoder.format === 'csv' || config.decoder.format === 'csv'
      ? (DEFAULT_UNITS[field] ?? '')
      : '')
  return { decoder, unitFor }
}
