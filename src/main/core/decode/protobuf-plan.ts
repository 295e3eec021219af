// Which numbers a protobuf message type holds, worked out once from the schema: the singular
// numeric fields (through singular nested messages) are read by a fixed list of steps, so a
// message of the usual fixed shape becomes a row without walking the type or building a path.
// Repeated fields, maps and messages that contain their own type vary from message to
// message; those are walked as they come.
import protobuf from 'protobufjs'
import { MAX_FIELD_NAME_BYTES, MAX_NESTING } from '../limits'
import { byteLength, FieldCollector } from './field-rows'
import { shortestFloat32 } from './number-format'
import { longToNumber } from './protobuf-long'

type Kind = 'number' | 'float' | 'long' | 'bool'

interface Leaf {
  /** Field names from the message down to the value. */
  chain: string[]
  /** Per step: the field says whether it was sent (so absent means missing, not zero). */
  presence: boolean[]
  kind: Kind
}

interface Varying {
  chain: string[]
  presence: boolean[]
  field: protobuf.Field
  path: string
  depth: number
}

/** The chart value of a scalar field's kind, or undefined for text and bytes. */
export function kindOf(field: protobuf.Field): Kind | undefined {
  if (field.resolvedType instanceof protobuf.Enum) return 'number'
  switch (field.type) {
    case 'double':
    case 'int32':
    case 'uint32':
    case 'sint32':
    case 'fixed32':
    case 'sfixed32':
      return 'number'
    case 'float':
      return 'float'
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return 'long'
    case 'bool':
      return 'bool'
    default:
      return undefined
  }
}

export function convert(kind: Kind, v: unknown): number {
  switch (kind) {
    case 'number':
      return v as number
    case 'float':
      return shortestFloat32(v as number)
    case 'long':
      return longToNumber(v)
    default:
      return v ? 1 : 0
  }
}

export class ProtobufPlan {
  /** Dot paths of the fixed fields, one shared array: every row starts with these. */
  readonly fixed: readonly string[]
  /** Fixed fields left out because their dot paths are longer than a field name may be. */
  longNames = 0
  private readonly leaves: Leaf[] = []
  private readonly varying: Varying[] = []

  /** `skip`: the timestamp field's path, which is not charted. */
  constructor(type: protobuf.Type, skip: string | null) {
    const paths: string[] = []
    this.build(type, '', [], [], [type], skip, paths)
    this.fixed = Object.freeze(paths)
  }

  private build(
    type: protobuf.Type,
    prefix: string,
    chain: string[],
    presence: boolean[],
    open: protobuf.Type[],
    skip: string | null,
    paths: string[]
  ): void {
    for (const field of type.fieldsArray) {
      const path = prefix ? `${prefix}.${field.name}` : field.name
      if (path === skip) continue
      const steps = [...chain, field.name]
      const present = [...presence, field.hasPresence]
      const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null
      if (field.repeated || field.map || (nested && open.includes(nested))) {
        this.varying.push({ chain: steps, presence: present, field, path, depth: open.length })
      } else if (nested) {
        if (open.length < MAX_NESTING)
          this.build(nested, path, steps, present, [...open, nested], skip, paths)
      } else {
        const kind = kindOf(field)
        if (kind === undefined) continue
        if (path.length > MAX_FIELD_NAME_BYTES / 3 && byteLength(path) > MAX_FIELD_NAME_BYTES) {
          this.longNames++
          continue
        }
        this.leaves.push({ chain: steps, presence: present, kind })
        paths.push(path)
      }
    }
  }

  /**
   * Reads one message: the fixed fields into `values` (NaN when not sent), and the entries of
   * repeated fields, maps and self-nested messages into `found`, by dot path.
   */
  read(message: Record<string, unknown>, values: number[], found: FieldCollector): void {
    const leaves = this.leaves
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i]
      const v = follow(message, leaf.chain, leaf.presence)
      values[i] = v === undefined || v === null ? NaN : convert(leaf.kind, v)
    }
    for (const varying of this.varying) {
      if (found.over) return
      const v = follow(message, varying.chain, varying.presence)
      if (v === undefined || v === null) continue
      const field = varying.field
      if (field.map) {
        for (const key in v as object)
          emit(
            field,
            (v as Record<string, unknown>)[key],
            `${varying.path}.${key}`,
            varying.depth,
            found
          )
      } else if (field.repeated) {
        const list = v as unknown[]
        for (let k = 0; k < list.length && !found.over; k++)
          emit(field, list[k], `${varying.path}.${k}`, varying.depth, found)
      } else {
        emit(field, v, varying.path, varying.depth, found)
      }
    }
  }
}

/** The value at the end of a chain of field names, or undefined where one was not sent. */
function follow(message: Record<string, unknown>, chain: string[], presence: boolean[]): unknown {
  let v: unknown = message
  for (let k = 0; k < chain.length; k++) {
    const holder = v as Record<string, unknown>
    if (presence[k] && !Object.hasOwn(holder, chain[k])) return undefined
    v = holder[chain[k]]
    if (v === null || v === undefined) return undefined
  }
  return v
}

/** One value of a varying field: a number, or a message walked for its numbers. */
function emit(
  field: protobuf.Field,
  v: unknown,
  path: string,
  depth: number,
  found: FieldCollector
): void {
  if (field.resolvedType instanceof protobuf.Type) {
    if (v && depth < MAX_NESTING)
      walk(v as Record<string, unknown>, field.resolvedType, path, depth + 1, found)
    return
  }
  const kind = kindOf(field)
  if (kind === undefined) return
  const n = convert(kind, v)
  if (Number.isFinite(n)) found.add(path, n)
}

/** Every numeric field of a message by dot path; stops one past the per-message limit. */
function walk(
  message: Record<string, unknown>,
  type: protobuf.Type,
  prefix: string,
  depth: number,
  found: FieldCollector
): void {
  for (const field of type.fieldsArray) {
    if (found.over) return
    const name = field.name
    const path = `${prefix}.${name}`
    if (field.map) {
      const map = message[name] as Record<string, unknown> | undefined
      if (map) for (const key in map) emit(field, map[key], `${path}.${key}`, depth, found)
    } else if (field.repeated) {
      const list = message[name] as unknown[] | undefined
      if (list)
        for (let k = 0; k < list.length && !found.over; k++)
          emit(field, list[k], `${path}.${k}`, depth, found)
    } else if (!field.hasPresence || Object.hasOwn(message, name)) {
      emit(field, message[name], path, depth, found)
    }
  }
}
