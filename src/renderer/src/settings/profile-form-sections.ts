// The advanced parts of a profile as form text (TLS, session, last will) and back, with the
// problems in plain words naming the field as it is labelled.
import type { Profile, ProtocolVersion, Qos, TlsConfig, Transport } from '../../../shared/schemas'
import { randomSuffix } from '../../../shared/defaults'

export type Result<T> = { ok: true; value: T } | { ok: false; error: string }

/** MQTT 5 session expiry used when clean session is off and none is given: one day. */
export const DEFAULT_SESSION_EXPIRY_S = 86_400
export const MAX_SESSION_EXPIRY_S = 4_294_967_295

export const PROTOCOL_VERSIONS: { value: ProtocolVersion; label: string }[] = [
  { value: '3.1', label: '3.1 (MQIsdp)' },
  { value: '3.1.1', label: '3.1.1' },
  { value: '5.0', label: '5.0' }
]
export const TLS_VERSIONS: TlsConfig['minVersion'][] = ['TLSv1.2', 'TLSv1.3']
export const QOS_LEVELS: Qos[] = [0, 1, 2]

export interface SectionFields {
  protocolVersion: ProtocolVersion
  clean: boolean
  sessionExpiry: string
  keepalive: string
  /** Shared subscription group ('' for none). */
  shareGroup: string
  tlsCa: string
  tlsCert: string
  tlsKey: string
  tlsVerify: boolean
  tlsServername: string
  tlsAlpn: string
  tlsMinVersion: TlsConfig['minVersion']
  willEnabled: boolean
  willTopic: string
  willPayload: string
  willQos: Qos
  willRetain: boolean
}

export function usesTls(transport: Transport): boolean {
  return transport === 'mqtts' || transport === 'wss'
}

export function generateClientId(): string {
  return `mqtt-live-monitor-${randomSuffix()}`
}

export function sectionFieldsFromProfile(p: Profile): SectionFields {
  return {
    protocolVersion: p.protocolVersion,
    clean: p.clean,
    sessionExpiry: String(p.sessionExpiry),
    keepalive: String(p.keepalive),
    shareGroup: p.shareGroup,
    tlsCa: p.tls.ca,
    tlsCert: p.tls.cert,
    tlsKey: p.tls.key,
    tlsVerify: p.tls.verify,
    tlsServername: p.tls.servername,
    tlsAlpn: p.tls.alpn.join(', '),
    tlsMinVersion: p.tls.minVersion,
    willEnabled: p.will.enabled,
    willTopic: p.will.topic,
    willPayload: p.will.payload,
    willQos: p.will.qos,
    willRetain: p.will.retain
  }
}

/** Turning clean session off on MQTT 5 with no expiry would lose the session: offer one day. */
export function onCleanChange(fields: SectionFields, clean: boolean): Partial<SectionFields> {
  const expiry = fields.sessionExpiry.trim()
  if (!clean && (expiry === '' || expiry === '0'))
    return { clean, sessionExpiry: String(DEFAULT_SESSION_EXPIRY_S) }
  return { clean }
}

function wholeNumber(text: string, max: number): number | null {
  const t = text.trim()
  if (!/^\d+$/.test(t)) return null
  const n = Number(t)
  return n <= max ? n : null
}

type Sections = Pick<
  Profile,
  'protocolVersion' | 'clean' | 'sessionExpiry' | 'keepalive' | 'shareGroup'
> & {
  tls: TlsConfig
  will: Profile['will']
}

export function sectionsFromFields(f: SectionFields): Result<Sections> {
  const keepalive = wholeNumber(f.keepalive, 65535)
  if (keepalive === null)
    return { ok: false, error: 'Keep-alive (s) must be a whole number from 0 to 65535.' }
  // Only MQTT 5 has a session expiry; for the others keep what was there, unchecked.
  let sessionExpiry = wholeNumber(f.sessionExpiry, MAX_SESSION_EXPIRY_S) ?? 0
  if (f.protocolVersion === '5.0') {
    const text = f.sessionExpiry.trim()
    const parsed =
      text === ''
        ? f.clean
          ? 0
          : DEFAULT_SESSION_EXPIRY_S
        : wholeNumber(text, MAX_SESSION_EXPIRY_S)
    if (parsed === null)
      return {
        ok: false,
        error: `Session expiry (s) must be a whole number of seconds from 0 to ${MAX_SESSION_EXPIRY_S}.`
      }
    if (parsed === 0 && !f.clean)
      return {
        ok: false,
        error:
          'Session expiry (s) cannot be 0 with clean session off: the broker would drop the session at once (one day is 86400).'
      }
    sessionExpiry = parsed
  }
  const shareGroup = f.shareGroup.trim()
  if (/[/+#]/.test(shareGroup))
    return {
      ok: false,
      error:
        'Shared subscription group: a name without /, + or # (it becomes $share/<group>/<filter>).'
    }
  const tls = tlsFromFields(f)
  if (!tls.ok) return tls
  const will = willFromFields(f)
  if (!will.ok) return will
  return {
    ok: true,
    value: {
      protocolVersion: f.protocolVersion,
      clean: f.clean,
      sessionExpiry,
      keepalive,
      shareGroup,
      tls: tls.value,
      will: will.value
    }
  }
}

function tlsFromFields(f: SectionFields): Result<TlsConfig> {
  const ca = f.tlsCa.trim()
  const cert = f.tlsCert.trim()
  const key = f.tlsKey.trim()
  if (Boolean(cert) !== Boolean(key))
    return {
      ok: false,
      error: 'Client certificate and Client key go together: give both, or neither.'
    }
  const alpn = f.tlsAlpn.split(/[\s,]+/).filter(Boolean)
  if (alpn.length > 16) return { ok: false, error: 'ALPN protocols: at most 16.' }
  if (alpn.some((a) => a.length > 255))
    return { ok: false, error: 'ALPN protocols: each name is at most 255 characters.' }
  const servername = f.tlsServername.trim()
  if (/[\s/:]/.test(servername))
    return {
      ok: false,
      error: 'Server name (SNI): enter a host name only, e.g. broker.example.com.'
    }
  return {
    ok: true,
    value: { ca, cert, key, verify: f.tlsVerify, servername, alpn, minVersion: f.tlsMinVersion }
  }
}

function willFromFields(f: SectionFields): Result<Profile['will']> {
  const topic = f.willTopic.trim()
  if (f.willEnabled && !topic)
    return { ok: false, error: 'Will topic is required when the last will is on.' }
  if (f.willEnabled && /[+#]/.test(topic))
    return { ok: false, error: 'Will topic: a topic to publish to cannot contain + or #.' }
  return {
    ok: true,
    value: {
      enabled: f.willEnabled,
      topic,
      payload: f.willPayload,
      qos: f.willQos,
      retain: f.willRetain
    }
  }
}
