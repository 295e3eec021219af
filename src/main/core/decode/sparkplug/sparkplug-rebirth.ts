import { sparkplugPayloadType } from './sparkplug-payload'
import { DT } from './sparkplug-values'

/** The metric a host application sets to ask an edge node to publish its births again. */
export const REBIRTH_METRIC = 'Node Control/Rebirth'

/** An NCMD payload asking for a rebirth: the metric `Node Control/Rebirth` = true. */
export function encodeRebirthRequest(now: number): Uint8Array {
  const type = sparkplugPayloadType()
  return type
    .encode(
      type.fromObject({
        timestamp: now,
        metrics: [
          { name: REBIRTH_METRIC, timestamp: now, datatype: DT.Boolean, boolean_value: true }
        ]
      })
    )
    .finish()
}
