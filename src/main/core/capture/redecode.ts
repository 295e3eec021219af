import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Decoder } from '../decode'
import type { StoredCapture } from './capture-catalog'
import type { JournalPartRef } from './capture-parts'
import {
  messagePayload,
  NO_FIELDS,
  PAYLOAD_IS_TEXT,
  PAYLOAD_PREVIOUS,
  PAYLOAD_WHOLE,
  type FieldSetDef,
  type KeptPayload,
  type TopicDef
} from './journal-format'
import { readPart } from './journal-reader'
import { JournalWriter, type PartIndex } from './journal-writer'

/** How a topic decodes now; null keeps its records as they are (no rule, or a `$` topic). */
export type DecodingFor = (
  connection: string,
  topic: string
) => { decoder: Decoder; unitFor: (field: string) => string } | null

export interface RedecodeOutcome {
  messages: number
  /** Messages decoded again from their payloads. */
  decoded: number
  /** Of those, messages that do not decode under the current rule (kept, counted). */
  failed: number
  /** Rows kept as they were: no payload to decode (the first release), or a truncated one. */
  kept: number
}

const NO_BYTES = new Uint8Array(0)

/**
 * Writes a capture again, decoding every kept payload with the rule its topic has now (say
 * the CSV columns were named wrong, or a protobuf type was chosen later). Rows that cannot be
 * decoded again (no payload kept, a truncated one, a topic without a rule) are copied as they
 * are. The new parts go to a sibling folder that replaces the capture's only when complete,
 * so a failure leaves the capture as it was.
 */
export async function redecodeCapture(
  capture: StoredCapture,
  parts: readonly JournalPartRef[],
  decodingFor: DecodingFor,
  options: { partBytes: number; onProgress?: (fraction: number) => void }
): Promise<{ parts: PartIndex[]; outcome: RedecodeOutcome }> {
  const next = `${capture.dir}.redecode`
  fs.rmSync(next, { recursive: true, force: true })
  const writer = new JournalWriter(next, 1, { partBytes: options.partBytes })
  const out = new Output()
  const outcome: RedecodeOutcome = { messages: 0, decoded: 0, failed: 0, kept: 0 }
  const total = parts.reduce((n, p) => n + p.bytes, 0) || 1
  let done = 0
  try {
    for (const part of parts) {
      const topics = new Map<number, TopicDef>()
      const sets = new Map<number, FieldSetDef>()
      let redecoding = false // the message before was decoded again (its further rows go)
      await readPart(
        part.file,
        {
          topic: (def) => topics.set(def.id, def),
          fieldSet: (def) => sets.set(def.id, def),
          message: (t, topicId, setId, buf, textStart, textEnd, body, end) => {
            const topic = topics.get(topicId)
            if (!topic) return
            const kept = messagePayload(buf, body, end)
            if (kept?.kind === PAYLOAD_PREVIOUS && redecoding) return
            outcome.messages++
            const rule = decodingFor(topic.connection, topic.topic)
            redecoding =
              rule !== null && (kept?.kind === PAYLOAD_WHOLE || kept?.kind === PAYLOAD_IS_TEXT)
            if (!redecoding) {
              // As it was: its values, and whatever it kept of its payload.
              outcome.kept++
              const set = setId === NO_FIELDS ? null : (sets.get(setId) ?? null)
              const payload: KeptPayload = kept
                ? {
                    kind: kept.kind,
                    size: kept.size,
                    bytes:
                      kept.kind === PAYLOAD_IS_TEXT ? NO_BYTES : buf.subarray(kept.start, kept.end)
                  }
                : { kind: PAYLOAD_PREVIOUS, size: 0, bytes: NO_BYTES }
              writer.appendMessage(
                out.topic(topic),
                set && out.fieldSet(topic, set.names, set.units),
                t,
                buf,
                textStart,
                textEnd,
                payload
              )
              return
            }
            outcome.decoded++
            const payload = Uint8Array.from(buf.subarray(kept!.start, kept!.end))
            const result = rule!.decoder.decode(payload, t)
            const rows = result.ok ? result.rows : []
            if (!result.ok) outcome.failed++
            // As ingest keeps them: rows of other series topics (Sparkplug metrics) follow
            // their payload, kept alone on the topic it came on.
            let own = true
            if (rows.length === 0 || rows.some((row) => row.seriesTopic !== undefined)) {
              writer.appendMessage(out.topic(topic), null, t, NO_BYTES, 0, 0, whole(payload))
              own = false
            }
            for (const row of rows) {
              const on =
                row.seriesTopic === undefined ? topic : { ...topic, topic: row.seriesTopic }
              const set = out.fieldSet(on, row.fields, row.fields.map(rule!.unitFor))
              const kept = own ? keptOnce(payload, row) : CONTINUATION
              own = false
              writer.appendMessage(
                out.topic(on),
                set,
                row.t,
                row.text,
                row.textStart,
                row.textEnd,
                kept
              )
            }
          }
        },
        { limit: part.limit, crc: part.crc }
      )
      done += part.bytes
      options.onProgress?.(done / total)
      writer.flush()
    }
    const sealed = writer.close()
    fs.writeFileSync(path.join(next, 'meta.json'), JSON.stringify(capture.meta))
    // Swap in the new parts: the old folder goes only after the new one is in its place.
    const old = `${capture.dir}.old`
    fs.rmSync(old, { recursive: true, force: true })
    fs.renameSync(capture.dir, old)
    fs.renameSync(next, capture.dir)
    fs.rmSync(old, { recursive: true, force: true })
    return { parts: sealed, outcome }
  } catch (error) {
    writer.close()
    fs.rmSync(next, { recursive: true, force: true })
    throw error
  }
}

const CONTINUATION: KeptPayload = { kind: PAYLOAD_PREVIOUS, size: 0, bytes: NO_BYTES }

function whole(payload: Uint8Array): KeptPayload {
  return { kind: PAYLOAD_WHOLE, size: payload.length, bytes: payload }
}

function keptOnce(
  payload: Uint8Array,
  row: { text: Uint8Array; textStart: number; textEnd: number }
): KeptPayload {
  const text = row.text.subarray(row.textStart, row.textEnd)
  const same = text.length === payload.length && Buffer.from(text).equals(Buffer.from(payload))
  return same ? { kind: PAYLOAD_IS_TEXT, size: payload.length, bytes: NO_BYTES } : whole(payload)
}

/** Ids for the new journal: topics and field sets numbered afresh. */
class Output {
  private readonly topics = new Map<string, TopicDef>()
  private readonly sets = new Map<string, FieldSetDef>()

  topic(def: TopicDef): TopicDef {
    const key = `${def.connection}\u0000${def.topic}`
    let mine = this.topics.get(key)
    if (!mine) this.topics.set(key, (mine = { ...def, id: this.topics.size + 1 }))
    return mine
  }

  fieldSet(topic: TopicDef, names: readonly string[], units: readonly string[]): FieldSetDef {
    const topicId = this.topic(topic).id
    const key = `${topicId}\u0001${names.join('\u0000')}\u0001${units.join('\u0000')}`
    let set = this.sets.get(key)
    if (!set) this.sets.set(key, (set = { id: this.sets.size + 1, topicId, names, units }))
    return set
  }
}
