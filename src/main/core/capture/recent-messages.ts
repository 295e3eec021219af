import type { JournalPartRef } from './capture-parts'
import { messagePayload, PAYLOAD_PREVIOUS, PAYLOAD_TRUNCATED } from './journal-format'
import { readPart } from './journal-reader'

/** A message of a topic as the journal kept it: for the inspector after a restart. */
export interface KeptMessage {
  t: number
  /** The payload as kept (its first bytes when `truncated`). */
  payload: Uint8Array
  size: number
  truncated: boolean
}

/**
 * The newest `limit` messages of one topic, oldest first, read from the newest parts back:
 * what the inspector shows when the topic's history in memory is empty (after a restart).
 * Only messages whose payload was kept count (the first release kept none).
 */
export async function recentMessages(
  parts: readonly JournalPartRef[],
  connection: string,
  topic: string,
  limit: number
): Promise<KeptMessage[]> {
  const found: KeptMessage[] = []
  for (let i = parts.length - 1; i >= 0 && found.length < limit; i--) {
    if (!parts[i].index.topics.some((d) => d.topic === topic && d.connection === connection))
      continue
    const ids = new Set<number>()
    const inPart: KeptMessage[] = []
    await readPart(
      parts[i].file,
      {
        topic: (def) => {
          if (def.topic === topic && def.connection === connection) ids.add(def.id)
        },
        message: (t, topicId, _set, buf, _s, _e, body, end) => {
          if (!ids.has(topicId)) return
          const kept = messagePayload(buf, body, end)
          if (!kept || kept.kind === PAYLOAD_PREVIOUS) return
          inPart.push({
            t,
            payload: Uint8Array.from(buf.subarray(kept.start, kept.end)),
            size: kept.size,
            truncated: kept.kind === PAYLOAD_TRUNCATED
          })
          // Only the newest `limit` of this part are wanted: drop the oldest now and then.
          if (inPart.length >= 2 * limit) inPart.splice(0, inPart.length - limit)
        }
      },
      { limit: parts[i].limit, crc: parts[i].crc }
    )
    found.unshift(...inPart.slice(-(limit - found.length)))
  }
  return found
}
