// Pure logic of the export form: what can be chosen, and the request it makes.
import type { ExportRequest } from '../../../shared/schemas'
import type { CaptureInfo } from '../../../shared/types'

export interface ExportChoices {
  format: 'wide' | 'long'
  /** Wide only: add each message's payload (text, or base64). */
  payload: boolean
  /** Chosen capture ids; all when every capture is chosen. */
  captures: Set<string>
  topics: Set<string>
  fields: Set<string>
  /** `datetime-local` input values (local time), empty for no bound. */
  from: string
  to: string
}

/** Topics and fields found in the chosen captures, in a stable order. */
export function available(captures: readonly CaptureInfo[], chosen: ReadonlySet<string>) {
  const topics = new Set<string>()
  const fields = new Map<string, string>()
  for (const c of captures) {
    if (!chosen.has(c.id)) continue
    c.topics.forEach((t) => topics.add(t))
    for (const f of c.fields) if (!fields.get(f.name)) fields.set(f.name, f.unit)
  }
  return {
    topics: [...topics].sort(),
    fields: [...fields].map(([name, unit]) => ({ name, unit }))
  }
}

/** Everything chosen: the default when the dialog opens. */
export function allChoices(captures: readonly CaptureInfo[]): ExportChoices {
  const ids = new Set(captures.map((c) => c.id))
  const { topics, fields } = available(captures, ids)
  return {
    format: 'wide',
    payload: false,
    captures: ids,
    topics: new Set(topics),
    fields: new Set(fields.map((f) => f.name)),
    from: '',
    to: ''
  }
}

export type BuildResult = { ok: true; request: ExportRequest } | { ok: false; error: string }

/** The request, leaving out filters that choose everything; or the first problem in words. */
export function buildExportRequest(
  exportId: string,
  captures: readonly CaptureInfo[],
  choices: ExportChoices
): BuildResult {
  if (choices.captures.size === 0) return { ok: false, error: 'Choose at least one capture.' }
  const { topics, fields } = available(captures, choices.captures)
  const pickedTopics = topics.filter((t) => choices.topics.has(t))
  const pickedFields = fields.map((f) => f.name).filter((f) => choices.fields.has(f))
  if (topics.length > 0 && pickedTopics.length === 0)
    return { ok: false, error: 'Choose at least one topic.' }
  if (fields.length > 0 && pickedFields.length === 0)
    return { ok: false, error: 'Choose at least one field.' }
  const fromMs = choices.from ? new Date(choices.from).getTime() : undefined
  const toMs = choices.to ? new Date(choices.to).getTime() : undefined
  if (Number.isNaN(fromMs) || Number.isNaN(toMs))
    return { ok: false, error: 'A time is not valid.' }
  if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) {
    return { ok: false, error: '"From" must be before "To".' }
  }
  const request: ExportRequest = { exportId, format: choices.format }
  if (choices.payload && choices.format === 'wide') request.payload = true
  if (choices.captures.size < captures.length) request.captureIds = [...choices.captures]
  if (pickedTopics.length < topics.length) request.topics = pickedTopics
  if (pickedFields.length < fields.length) request.fields = pickedFields
  if (fromMs !== undefined) request.fromMs = fromMs
  // The input has minute precision: include the whole "to" minute.
  if (toMs !== undefined) request.toMs = toMs + 59_999
  return { ok: true, request }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} kB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`
}

export function formatTime(ms: number | null): string {
  if (ms === null) return 'now'
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })
}
