import type { SparkplugMessageType } from '../../../../shared/sparkplug-types'

export const SPARKPLUG_NAMESPACE = 'spBv1.0'

const MESSAGE_TYPES = new Set<string>([
  'NBIRTH',
  'NDEATH',
  'NDATA',
  'NCMD',
  'DBIRTH',
  'DDEATH',
  'DDATA',
  'DCMD'
])

export type SparkplugTopic =
  | { kind: 'edge'; group: string; type: SparkplugMessageType; edgeNode: string; device?: string }
  | { kind: 'state'; host: string }

/** True for any topic in the Sparkplug B namespace (what 'auto' decodes as Sparkplug). */
export function isSparkplugTopic(topic: string): boolean {
  return topic.startsWith(`${SPARKPLUG_NAMESPACE}/`)
}

/**
 * `spBv1.0/<group>/<type>/<edge node>[/<device>]` or `spBv1.0/STATE/<host>`; a string says
 * why a topic is neither.
 */
export function parseSparkplugTopic(topic: string): SparkplugTopic | string {
  const parts = topic.split('/')
  if (parts[0] !== SPARKPLUG_NAMESPACE)
    return `not a Sparkplug B topic (they start with ${SPARKPLUG_NAMESPACE}/)`
  if (parts[1] === 'STATE' && parts.length === 3 && parts[2] !== '')
    return { kind: 'state', host: parts[2] }
  const [, group, type, edgeNode, device] = parts
  if (parts.length < 4 || parts.length > 5 || !group || !edgeNode || device === '')
    return `not a Sparkplug B topic: expected ${SPARKPLUG_NAMESPACE}/<group>/<message type>/<edge node>[/<device>]`
  if (!MESSAGE_TYPES.has(type))
    return `"${type.slice(0, 20)}" is not a Sparkplug B message type (NBIRTH, NDATA, NDEATH, DBIRTH, DDATA, DDEATH, NCMD, DCMD)`
  const isDevice = type[0] === 'D'
  if (isDevice !== (device !== undefined))
    return isDevice
      ? `a Sparkplug ${type} topic names a device after the edge node`
      : `a Sparkplug ${type} topic ends at the edge node`
  return { kind: 'edge', group, type: type as SparkplugMessageType, edgeNode, device }
}
