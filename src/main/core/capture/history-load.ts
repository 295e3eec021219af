// The chart data in memory refilled from the journal: the newest parts, up to a number of
// messages, read oldest first into the point log (at start, and after a capture is decoded
// again), so the newest points are the ones it keeps.
import * as path from 'node:path'
import { parseDecimal } from '../decode/number-text'
import type { StoredCapture } from './capture-catalog'
import type { JournalPartRef, PartDamage } from './capture-parts'
import { partFileName } from './journal-format'
import { readPart, type PartScan } from './journal-reader'
import type { PointLog } from './point-log'
import type { SeriesRegistry, TopicEntry } from './series-registry'

/** Reads the newest parts holding about `messages` messages into the registry and `points`. */
export async function loadRecentParts(
  captures: readonly StoredCapture[],
  registry: SeriesRegistry,
  points: PointLog,
  messages: number,
  onDamage: (ref: JournalPartRef, damage: PartDamage) => void
): Promise<void> {
  const picked: { capture: StoredCapture; seq: number }[] = []
  let count = 0
  for (let c = captures.length - 1; c >= 0 && count < messages; c--) {
    const capture = captures[c]
    for (let p = capture.parts.length - 1; p >= 0 && count < messages; p--) {
      picked.unshift({ capture, seq: capture.parts[p].seq })
      count += capture.parts[p].messages
    }
  }
  for (const { capture, seq } of picked) {
    const index = capture.parts.find((p) => p.seq === seq)!
    const ref: JournalPartRef = {
      captureId: capture.meta.id,
      file: path.join(capture.dir, partFileName(seq)),
      bytes: index.bytes,
      crc: index.crc,
      index
    }
    const scan = await loadPart(ref, registry, points)
    if (ref.crc !== undefined && !scan.whole)
      onDamage(ref, { ...scan.damage, messages: scan.messages })
  }
}

function loadPart(
  ref: JournalPartRef,
  registry: SeriesRegistry,
  points: PointLog
): Promise<PartScan> {
  const topics = new Map<number, TopicEntry>()
  const fieldSets = new Map<number, { names: readonly string[]; units: readonly string[] }>()
  return readPart(
    ref.file,
    {
      topic: (def) => topics.set(def.id, registry.topic(def.connection, def.topic)),
      fieldSet: (def) => fieldSets.set(def.id, def),
      message: (t, topicId, fieldSetId, buf, start, end) => {
        const entry = topics.get(topicId)
        const set = fieldSets.get(fieldSetId)
        if (!entry || !set) return
        const slot = registry.slot(entry, set.names, set.units)
        if (typeof slot === 'string') return
        const series = slot.series
        let from = start
        let column = 0
        for (let i = start; i <= end; i++) {
          if (i !== end && buf[i] !== 44) continue
          const v = parseDecimal(buf, from, i)
          if (v === v && column < slot.fields.length) points.push(series[column].id, t, v)
          column++
          from = i + 1
        }
      }
    },
    { crc: ref.crc }
  )
}
