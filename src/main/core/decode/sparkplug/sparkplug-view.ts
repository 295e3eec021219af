import type { SparkplugMessageView } from '../../../../shared/sparkplug-types'
import { tooLarge } from '../types'
import { longToNumber } from '../protobuf-long'
import { aliasOf, has, sparkplugPayloadType, type SpPayload } from './sparkplug-payload'
import type { SparkplugState } from './sparkplug-state'
import { parseSparkplugTopic } from './sparkplug-topic'
import { datatypeOf, viewMetric } from './sparkplug-values'

/**
 * Every metric of a stored Sparkplug B message, for the inspector (a message from history, or
 * one just received): names come from the metric, else from its alias in what `state` knows
 * of the node's births. Reads only: the state is not changed. A string says why it cannot.
 */
export function viewSparkplugMessage(
  topic: string,
  payload: Uint8Array,
  state?: SparkplugState
): SparkplugMessageView | string {
  const parsed = parseSparkplugTopic(topic)
  if (typeof parsed === 'string') return parsed
  if (parsed.kind === 'state') return 'a Sparkplug STATE message is JSON, not a payload of metrics'
  const large = tooLarge(payload)
  if (large) return large
  let p: SpPayload
  try {
    p = sparkplugPayloadType().decode(payload) as unknown as SpPayload
  } catch (error) {
    return `not a Sparkplug B payload (${String((error as Error)?.message ?? error).slice(0, 160)})`
  }
  const known = state?.known(parsed.group, parsed.edgeNode, parsed.device)
  const series =
    parsed.device === undefined
      ? `${parsed.group}/${parsed.edgeNode}`
      : `${parsed.group}/${parsed.edgeNode}/${parsed.device}`
  return {
    type: parsed.type,
    series,
    ...(has(p, 'timestamp') ? { timestamp: longToNumber(p.timestamp, false) } : {}),
    ...(has(p, 'seq') ? { seq: longToNumber(p.seq, false) } : {}),
    metrics: p.metrics.map((m) => {
      const alias = aliasOf(m)
      const info = m.name
        ? known?.byName.get(m.name)
        : alias !== undefined
          ? known?.byAlias.get(alias)
          : undefined
      return viewMetric(m, m.name || info?.name || '', datatypeOf(m, info?.datatype))
    })
  }
}
