import type { JournalPartRef } from '../capture/capture-parts'
import type { TopicDef } from '../capture/journal-format'

export interface ExportFilter {
  fromMs?: number
  toMs?: number
  topics?: readonly string[]
  fields?: readonly string[]
}

export interface ExportPlan {
  /** Value columns, in order: field name and unit. */
  columns: { field: string; unit: string }[]
  /** Whether a `connection` column is needed: more than one connection in the export. */
  withConnection: boolean
}

/**
 * Chooses the columns from the part indexes alone (no pass over the data): the union of the
 * fields of the selected topics, in first-seen order.
 */
export function planExport(parts: readonly JournalPartRef[], filter: ExportFilter): ExportPlan {
  const topicSet = filter.topics ? new Set(filter.topics) : null
  const fieldSet = filter.fields ? new Set(filter.fields) : null
  const columns: { field: string; unit: string }[] = []
  const seen = new Map<string, number>()
  const connections = new Set<string>()
  for (const part of parts) {
    if (!inRange(part, filter)) continue
    const topics = new Map<number, TopicDef>(part.index.topics.map((t) => [t.id, t]))
    for (const fs of part.index.fieldSets) {
      const topic = topics.get(fs.topicId)
      if (!topic || (topicSet && !topicSet.has(topic.topic))) continue
      connections.add(topic.connection)
      fs.names.forEach((name, i) => {
        if (fieldSet && !fieldSet.has(name)) return
        const at = seen.get(name)
        if (at === undefined) {
          seen.set(name, columns.length)
          columns.push({ field: name, unit: fs.units[i] ?? '' })
        } else if (!columns[at].unit && fs.units[i]) {
          columns[at].unit = fs.units[i]
        }
      })
    }
  }
  return { columns, withConnection: connections.size > 1 }
}

function inRange(part: JournalPartRef, filter: ExportFilter): boolean {
  const { firstT, lastT, messages } = part.index
  if (messages === 0 || !Number.isFinite(firstT)) return false
  if (filter.fromMs !== undefined && lastT < filter.fromMs) return false
  if (filter.toMs !== undefined && firstT > filter.toMs) return false
  return true
}
