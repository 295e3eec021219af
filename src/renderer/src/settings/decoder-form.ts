// Pure logic of the per-topic decoding form: the text inputs <-> a DecoderConfig.
import { decoderSchema, type DecoderConfig, type TopicConfig } from '../../../shared/schemas'
import { parseStructLayout } from '../../../shared/struct-layout'

export const FORMATS: { value: DecoderConfig['format']; label: string }[] = [
  { value: 'auto', label: 'Detect from the first payloads' },
  { value: 'csv', label: 'CSV (named columns)' },
  { value: 'json', label: 'JSON' },
  { value: 'number', label: 'A plain number' },
  { value: 'cbor', label: 'CBOR' },
  { value: 'msgpack', label: 'MessagePack' },
  { value: 'protobuf', label: 'Protobuf (your .proto file)' },
  { value: 'struct', label: 'Binary struct (e.g. <fff)' },
  { value: 'sparkplug', label: 'Sparkplug B' },
  { value: 'raw', label: 'Raw (count only, not charted)' }
]

/** Formats whose fields are chosen by dot path, and the word the form uses for them. */
export const FIELD_PATH_FORMATS: Partial<Record<DecoderConfig['format'], string>> = {
  auto: 'JSON',
  json: 'JSON',
  cbor: 'CBOR',
  msgpack: 'MessagePack',
  protobuf: 'Protobuf'
}

export const SEPARATORS = [
  { value: ',', label: 'Comma ,' },
  { value: ';', label: 'Semicolon ;' },
  { value: '\t', label: 'Tab' },
  { value: ' ', label: 'Space' },
  { value: '|', label: 'Pipe |' }
]

export const TIMESTAMP_SOURCES: { value: DecoderConfig['timestamp']['source']; label: string }[] = [
  { value: 'auto', label: 'A "ts" field when present, else receive time' },
  { value: 'receive', label: 'Receive time' },
  { value: 'field', label: 'A payload field' }
]

export const TIMESTAMP_FORMATS: { value: DecoderConfig['timestamp']['format']; label: string }[] = [
  { value: 'auto', label: 'Detect (seconds, milliseconds or ISO 8601)' },
  { value: 'epoch_s', label: 'Epoch seconds' },
  { value: 'epoch_ms', label: 'Epoch milliseconds' },
  { value: 'iso', label: 'ISO 8601 text' }
]

/** The editable text of a decoder's list and map settings. */
export interface DecoderTexts {
  columns: string
  jsonPaths: string
  units: string
  /** Struct value names, comma-separated. */
  structFields: string
}

/** One topic's decoding as the form edits it. */
export interface DecoderDraft {
  config: DecoderConfig
  texts: DecoderTexts
}

export function draftFor(topic: TopicConfig | undefined): DecoderDraft {
  const config = topic?.decoder ?? decoderSchema.parse({})
  return { config, texts: decoderTexts(config) }
}

export function decoderTexts(d: DecoderConfig): DecoderTexts {
  return {
    columns: d.csvColumns.join(', '),
    jsonPaths: d.jsonPaths.join(', '),
    structFields: d.structFields.join(', '),
    units: Object.entries(d.units)
      .map(([field, unit]) => `${field}=${unit}`)
      .join(', ')
  }
}

export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

/** `temperature=°C, pressure=hPa` -> a map; a part without "=" is a problem. */
export function parseUnits(
  text: string
): { ok: true; value: Record<string, string> } | { ok: false; error: string } {
  const units: Record<string, string> = {}
  for (const part of splitList(text)) {
    const at = part.indexOf('=')
    if (at <= 0)
      return {
        ok: false,
        error: `Units: write each as field=unit, e.g. temperature=°C ("${part}").`
      }
    units[part.slice(0, at).trim()] = part.slice(at + 1).trim()
  }
  return { ok: true, value: units }
}

/** A decoder from the form's texts, validated by the shared schema. */
export function decoderFromTexts(
  base: DecoderConfig,
  texts: DecoderTexts,
  filter: string
): { ok: true; value: DecoderConfig } | { ok: false; error: string } {
  const units = parseUnits(texts.units)
  if (!units.ok) return { ok: false, error: `${filter}: ${units.error}` }
  const columns = splitList(texts.columns)
  if (base.format === 'csv' && columns.length === 0)
    return { ok: false, error: `${filter}: name at least one CSV column.` }
  if (base.timestamp.source === 'field' && !base.timestamp.field.trim()) {
    return { ok: false, error: `${filter}: name the timestamp field.` }
  }
  const structFields = splitList(texts.structFields)
  const problem = formatProblem(base, structFields)
  if (problem) return { ok: false, error: `${filter}: ${problem}` }
  const parsed = decoderSchema.safeParse({
    ...base,
    csvColumns: columns.length > 0 ? columns : base.csvColumns,
    jsonPaths: splitList(texts.jsonPaths),
    structFields,
    units: units.value
  })
  if (!parsed.success)
    return {
      ok: false,
      error: `${filter}: ${parsed.error.issues[0]?.message ?? 'invalid decoding'}`
    }
  return { ok: true, value: parsed.data }
}

/** What the chosen format still needs (a .proto file, a struct layout that parses...). */
function formatProblem(d: DecoderConfig, structFields: readonly string[]): string | null {
  if (d.format === 'protobuf') {
    if (!d.protoFile.trim()) return 'choose the .proto file for Protobuf.'
    if (!d.protoType.trim()) return 'name the Protobuf message type, e.g. sensors.Reading.'
  }
  if (d.format === 'struct') return structProblem(d.structLayout, structFields)
  return null
}

/** A struct layout and its names: null when they fit, else the problem in words. */
export function structProblem(layout: string, names: readonly string[]): string | null {
  const parsed = parseStructLayout(layout)
  if (!parsed.ok) return `${parsed.error}.`
  const values = parsed.layout.items.length
  if (names.length > 0 && names.length !== values)
    return `the struct layout ${layout.trim()} has ${values} value${values === 1 ? '' : 's'} but ${names.length} name${names.length === 1 ? ' is' : 's are'} given.`
  const seen = new Set<string>()
  for (const name of names) {
    if (seen.has(name)) return `the struct field name "${name}" is given twice.`
    seen.add(name)
  }
  return null
}

/** What a struct layout reads, for the hint under it: "3 values, 12 bytes". */
export function structSummary(layout: string): string | null {
  const parsed = parseStructLayout(layout)
  if (!parsed.ok) return null
  const { items, size } = parsed.layout
  return `${items.length} value${items.length === 1 ? '' : 's'}, ${size} byte${size === 1 ? '' : 's'} (${parsed.layout.littleEndian ? 'little' : 'big'}-endian)`
}
