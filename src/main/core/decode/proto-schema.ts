// The user's own .proto files, loaded with protobufjs. Everything that can go wrong (no such
// file, a directory, a huge file, a syntax error, an import that is missing, a message type
// that is not there) comes back as one sentence in plain words, never a throw.
import * as fs from 'node:fs'
import * as path from 'node:path'
import protobuf from 'protobufjs'
import { MAX_NESTING } from '../limits'

/** A schema larger than this is not a schema someone wrote by hand. */
export const MAX_PROTO_FILE_BYTES = 1024 * 1024
/** Files one schema may pull in through imports. */
const MAX_PROTO_FILES = 64
/** Schemas kept parsed: one per subscription that uses one, so each is parsed once, not once per topic. */
const MAX_CACHED = 16

// The library's own nesting limit (100) becomes the app's, for every protobuf message decoded.
protobuf.Reader.recursionLimit = MAX_NESTING

export type SchemaResult =
  { ok: true; root: protobuf.Root; types: string[] } | { ok: false; error: string }

const cache = new Map<string, SchemaResult>()

/** Loads (or reuses, while the file is unchanged) a .proto file and everything it imports. */
export function loadProtoSchema(file: string): SchemaResult {
  const trimmed = file.trim()
  if (trimmed === '') return { ok: false, error: 'choose the .proto file' }
  if (!path.isAbsolute(trimmed))
    return { ok: false, error: `give the full path of the .proto file ("${trimmed}" is relative)` }
  let key: string
  try {
    const stat = fs.statSync(trimmed)
    key = `${trimmed}\u0000${stat.mtimeMs}\u0000${stat.size}`
  } catch (error) {
    return { ok: false, error: fileProblem(trimmed, error) }
  }
  let result = cache.get(key)
  if (!result) {
    result = parseSchema(trimmed)
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!)
    cache.set(key, result)
  }
  return result
}

/** A message type of a loaded schema, or why it is not there (naming the ones that are). */
export function findMessageType(
  schema: { root: protobuf.Root; types: string[] },
  name: string
): protobuf.Type | string {
  const wanted = name.trim().replace(/^\./, '')
  if (wanted === '') return `choose a message type (${listTypes(schema.types)})`
  try {
    return schema.root.lookupType(wanted)
  } catch {
    // A short name is fine when it is unique: Reading for sensors.v1.Reading.
    const matches = schema.types.filter((t) => t === wanted || t.endsWith(`.${wanted}`))
    if (matches.length === 1) return schema.root.lookupType(matches[0])
    if (matches.length > 1) return `"${wanted}" is ambiguous: ${matches.slice(0, 5).join(', ')}`
    return `no message type "${wanted}" in the .proto file (${listTypes(schema.types)})`
  }
}

function parseSchema(file: string): SchemaResult {
  const root = new protobuf.Root()
  let files = 0
  // Every file the loader reads (the first one and each import) is checked first.
  const check = (target: string): void => {
    if (++files > MAX_PROTO_FILES) throw new Error(`more than ${MAX_PROTO_FILES} imported files`)
    let stat: fs.Stats
    try {
      stat = fs.statSync(target)
    } catch (error) {
      throw new Error(fileProblem(target, error), { cause: error })
    }
    if (!stat.isFile()) throw new Error(`${target} is not a file`)
    if (stat.size > MAX_PROTO_FILE_BYTES) throw new Error(`${target} is larger than 1 MB`)
  }
  const resolve = root.resolvePath.bind(root)
  root.resolvePath = (origin, target) => {
    const resolved = resolve(origin, target)
    if (resolved !== null) check(resolved)
    return resolved
  }
  try {
    check(file)
    root.loadSync(file, { keepCase: true })
    root.resolveAll()
  } catch (error) {
    return { ok: false, error: `the .proto file could not be read: ${cleanMessage(error)}` }
  }
  const types: string[] = []
  collectTypes(root, types)
  if (types.length === 0) return { ok: false, error: 'the .proto file has no message types' }
  return { ok: true, root, types }
}

function collectTypes(ns: protobuf.NamespaceBase, out: string[]): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) {
      const name = nested.fullName.replace(/^\./, '')
      if (!name.startsWith('google.protobuf.')) out.push(name)
    }
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type)
      collectTypes(nested as protobuf.NamespaceBase, out)
  }
}

function listTypes(types: readonly string[]): string {
  if (types.length === 0) return 'it has none'
  const shown = types.slice(0, 8).join(', ')
  return `it has ${shown}${types.length > 8 ? ` and ${types.length - 8} more` : ''}`
}

function fileProblem(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code
  if (code === 'ENOENT') return `there is no file ${file}`
  if (code === 'EACCES' || code === 'EPERM') return `${file} may not be read (permission denied)`
  if (code === 'EISDIR') return `${file} is a folder, not a file`
  return `${file} could not be read (${code ?? String((error as Error)?.message ?? error)})`
}

/** The library's message, one line, without a stack. */
function cleanMessage(error: unknown): string {
  const message = String((error as Error)?.message ?? error)
  return message.split('\n')[0].slice(0, 300)
}

/** The settings form's check: the message types of a .proto file, or what is wrong with it. */
export function checkProtoFile(
  file: string
): { ok: true; types: string[] } | { ok: false; message: string } {
  const schema = loadProtoSchema(file)
  if (!schema.ok) return { ok: false, message: `${capitalize(schema.error)}.` }
  return { ok: true, types: schema.types.slice(0, 500) }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
