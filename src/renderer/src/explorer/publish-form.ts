// The publish form's fields as typed, and the request they make (or what is wrong, in words).
import { payloadBytes, hexToBytes, topicProblem } from '../../../shared/publish-payload'
import type { PublishFormat, PublishProps, RecentPublish } from '../../../shared/topic-types'

export interface PublishForm {
  profileId: string
  topic: string
  format: PublishFormat
  payload: string
  qos: 0 | 1 | 2
  retain: boolean
  contentType: string
  /** The payload format indicator: '' (not sent), '1' (UTF-8 text) or '0' (bytes). */
  payloadFormat: '' | '0' | '1'
  expiry: string
  responseTopic: string
  /** Correlation data as hex digits. */
  correlation: string
  /** One "name=value" per line. */
  userProperties: string
}

export function emptyForm(profileId = ''): PublishForm {
  return {
    profileId,
    topic: '',
    format: 'text',
    payload: '',
    qos: 0,
    retain: false,
    contentType: '',
    payloadFormat: '',
    expiry: '',
    responseTopic: '',
    correlation: '',
    userProperties: ''
  }
}

export function fromRecent(r: RecentPublish): PublishForm {
  const p = r.properties ?? {}
  return {
    profileId: r.profileId,
    topic: r.topic,
    format: r.format,
    payload: r.payload,
    qos: r.qos,
    retain: r.retain,
    contentType: p.contentType ?? '',
    payloadFormat:
      p.payloadFormatIndicator === undefined ? '' : p.payloadFormatIndicator ? '1' : '0',
    expiry: p.messageExpiryInterval === undefined ? '' : String(p.messageExpiryInterval),
    responseTopic: p.responseTopic ?? '',
    correlation: p.correlationData ?? '',
    userProperties: (p.userProperties ?? []).map(([k, v]) => `${k}=${v}`).join('\n')
  }
}

/** What is wrong with the payload as typed, or '' (shown while typing). */
export function payloadProblem(form: PublishForm): string {
  const result = payloadBytes(form.format, form.payload)
  return result.ok ? '' : result.error
}

export type FormRequest =
  | {
      ok: true
      req: {
        profileId: string
        topic: string
        format: PublishFormat
        payload: string
        qos: 0 | 1 | 2
        retain: boolean
        properties?: PublishProps
      }
    }
  | { ok: false; error: string }

export function hasProperties(form: PublishForm): boolean {
  return (
    form.contentType !== '' ||
    form.payloadFormat !== '' ||
    form.expiry.trim() !== '' ||
    form.responseTopic !== '' ||
    form.correlation.trim() !== '' ||
    form.userProperties.trim() !== ''
  )
}

export function toRequest(form: PublishForm): FormRequest {
  if (!form.profileId) return { ok: false, error: 'Choose a connection to publish on.' }
  const topic = topicProblem(form.topic)
  if (topic) return { ok: false, error: topic }
  const payload = payloadProblem(form)
  if (payload) return { ok: false, error: payload }
  const properties: PublishProps = {}
  if (form.contentType) properties.contentType = form.contentType
  if (form.payloadFormat) properties.payloadFormatIndicator = form.payloadFormat === '1'
  if (form.expiry.trim() !== '') {
    const n = Number(form.expiry)
    if (!Number.isInteger(n) || n < 0 || n > 4294967295)
      return { ok: false, error: 'Message expiry is a whole number of seconds (0 to 4294967295).' }
    properties.messageExpiryInterval = n
  }
  if (form.responseTopic) {
    const problem = topicProblem(form.responseTopic)
    if (problem) return { ok: false, error: `Response topic: ${problem}` }
    properties.responseTopic = form.responseTopic
  }
  if (form.correlation.trim() !== '') {
    const bytes = hexToBytes(form.correlation)
    if (!bytes.ok) return { ok: false, error: `Correlation data: ${bytes.error}` }
    properties.correlationData = form.correlation.trim()
  }
  const pairs: [string, string][] = []
  const lines = form.userProperties.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line.trim() === '') continue
    const eq = line.indexOf('=')
    if (eq <= 0)
      return { ok: false, error: `User property line ${i + 1} needs a name, "=", then the value.` }
    pairs.push([line.slice(0, eq).trim(), line.slice(eq + 1)])
  }
  if (pairs.length > 100) return { ok: false, error: 'At most 100 user properties.' }
  if (pairs.length > 0) properties.userProperties = pairs
  return {
    ok: true,
    req: {
      profileId: form.profileId,
      topic: form.topic,
      format: form.format,
      payload: form.payload,
      qos: form.qos,
      retain: form.retain,
      ...(Object.keys(properties).length > 0 ? { properties } : {})
    }
  }
}
