// Pure logic behind the profile form: topics text <-> topic configs, defaults, validation,
// and the write-only secret actions sent on save.
import {
  profileSchema,
  topicSchema,
  type ProfileInput,
  type SecretInput,
  type TopicConfig,
  type Transport
} from '../../../shared/schemas'
import { newProfile as sharedNewProfile } from '../../../shared/defaults'
import type { ProfileView } from '../../../shared/types'
import { newId } from '../util/id'
import {
  generateClientId,
  sectionFieldsFromProfile,
  sectionsFromFields,
  type Result,
  type SectionFields
} from './profile-form-sections'

import { decoderFromTexts, draftFor, type DecoderDraft } from './decoder-form'

export type { Result } from './profile-form-sections'

export interface ProfileFields extends SectionFields {
  name: string
  host: string
  port: string
  transport: Transport
  path: string
  username: string
  clientId: string
  topicsText: string
  /** Decoding per topic filter, as edited (texts parsed on save). */
  decoders: Record<string, DecoderDraft>
  allowPublish: boolean
}

export interface PasswordFields {
  value: string
  clear: boolean
}

export const TRANSPORTS: Transport[] = ['mqtt', 'mqtts', 'ws', 'wss']

export function newProfile(): ProfileView {
  const profile = sharedNewProfile(newId(), {
    name: 'New profile',
    clientId: generateClientId(),
    topics: []
  })
  return { ...profile, hasPassword: false, hasPassphrase: false }
}

/** The path as the connection uses it: "mqtt" would make ws://host:1234mqtt. */
export function normalizePath(path: string): string {
  const trimmed = path.trim()
  if (!trimmed) return '/mqtt'
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`
}

export function topicsToText(topics: readonly TopicConfig[]): string {
  return topics.map((t) => (t.qos ? `${t.filter} ${t.qos}` : t.filter)).join('\n')
}

function filterProblem(filter: string): string | null {
  const levels = filter.split('/')
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      return '"#" must be a whole level and the last one'
    }
    if (level.includes('+') && level !== '+') return '"+" must be a whole level'
  }
  return null
}

/** One topic filter per line, optionally followed by a QoS (0, 1 or 2): `sensors/# 1`. */
export function parseTopics(text: string, existing: readonly TopicConfig[]): Result<TopicConfig[]> {
  const known = new Map(existing.map((t) => [t.filter, t]))
  const seen = new Set<string>()
  const topics: TopicConfig[] = []
  const lines = text.split(/\r?\n/)
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim()
    if (!line) continue
    const match = /^(.*\S)\s+([012])$/.exec(line)
    const filter = match ? match[1] : line
    const qos = (match ? Number(match[2]) : 0) as 0 | 1 | 2
    const problem = filterProblem(filter)
    if (problem) return { ok: false, error: `Topics, line ${n + 1}: ${problem} (${filter}).` }
    if (filter.length > 1024) return { ok: false, error: `Topics, line ${n + 1}: filter too long.` }
    if (seen.has(filter)) return { ok: false, error: `Topics: ${filter} is listed twice.` }
    seen.add(filter)
    // Keep the decoder settings of a topic that was already configured.
    const base = known.get(filter)
    topics.push(base ? { ...base, qos } : topicSchema.parse({ filter, qos }))
  }
  return { ok: true, value: topics }
}

export function fieldsFromProfile(profile: ProfileView): ProfileFields {
  return {
    name: profile.name,
    host: profile.host,
    port: String(profile.port),
    transport: profile.transport,
    path: profile.path,
    username: profile.username,
    clientId: profile.clientId,
    topicsText: topicsToText(profile.topics),
    decoders: Object.fromEntries(profile.topics.map((t) => [t.filter, draftFor(t)])),
    allowPublish: profile.allowPublish,
    ...sectionFieldsFromProfile(profile)
  }
}

/** Maps a write-only secret field (password or key passphrase) to what is sent on save. */
export function passwordAction(password: PasswordFields): SecretInput {
  if (password.clear) return { action: 'clear' }
  if (password.value !== '') return { action: 'set', value: password.value }
  return { action: 'keep' }
}

/** The save request, or the first problem in plain words. */
export function buildProfileInput(
  base: ProfileView,
  fields: ProfileFields,
  password: PasswordFields,
  passphrase: PasswordFields = { value: '', clear: false }
): Result<ProfileInput> {
  const name = fields.name.trim()
  const host = fields.host.trim()
  const clientId = fields.clientId.trim()
  if (!name) return { ok: false, error: 'Name is required.' }
  if (!host) return { ok: false, error: 'Host is required.' }
  if (host.includes('://') || host.includes('/') || /\s/.test(host)) {
    return {
      ok: false,
      error:
        'Host: enter only the host name, e.g. broker.example.com (pick the protocol in Transport).'
    }
  }
  const port = Number(fields.port.trim())
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return { ok: false, error: 'Port must be a whole number from 1 to 65535.' }
  }
  if (!clientId) return { ok: false, error: 'Client ID is required.' }
  const topics = parseTopics(fields.topicsText, base.topics)
  if (!topics.ok) return topics
  for (const topic of topics.value) {
    const draft = fields.decoders[topic.filter]
    if (!draft) continue
    const decoder = decoderFromTexts(draft.config, draft.texts, topic.filter)
    if (!decoder.ok) return decoder
    topic.decoder = decoder.value
  }
  const sections = sectionsFromFields(fields)
  if (!sections.ok) return sections
  // The schema strips what is not stored (hasPassword, hasPassphrase).
  const candidate = {
    ...base,
    name,
    host,
    port,
    transport: fields.transport,
    path: normalizePath(fields.path),
    username: fields.username,
    clientId,
    topics: topics.value,
    allowPublish: fields.allowPublish,
    ...sections.value
  }
  const parsed = profileSchema.safeParse(candidate)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
    return { ok: false, error: `${where}${issue?.message ?? 'invalid profile'}` }
  }
  return {
    ok: true,
    value: {
      profile: parsed.data,
      password: passwordAction(password),
      passphrase: passwordAction(passphrase)
    }
  }
}
