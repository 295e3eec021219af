// Protobuf messages of a fixed shape read straight from the wire into the plan's row: the
// singular numeric fields, through singular nested messages, without protobufjs building a
// message object per payload (which costs several times what the row needs). A schema with
// repeated fields, maps, oneofs or self-nested messages is not read here at all; a payload
// with anything the schema does not say (unknown fields, another wire type, groups, non-ASCII
// text, a truncated field) makes read() return false, and the caller decodes it with
// protobufjs as before, whose values and messages stay the definition.
import protobuf from 'protobufjs'
import { MAX_FIELD_NAME_BYTES, MAX_NESTING } from '../limits'
import { byteLength } from './field-rows'
import { shortestFloat32 } from './number-format'
import { hi, lo, nonzero, varint } from './varint'

/** How a scalar is read and what number it becomes. */
type Read =
  | 'double'
  | 'float'
  | 'int32'
  | 'uint32'
  | 'sint32'
  | 'fixed32'
  | 'sfixed32'
  | 'int64'
  | 'uint64'
  | 'sint64'
  | 'fixed64'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes'

interface Slot {
  wire: number
  read: Read
  /** `read` as its index in READS, for quick switches. */
  code: number
  /** Index in the row, -1 when the value is not charted (the timestamp, text, long names). */
  leaf: number
  timestamp: boolean
  /** A nested message's own fields. */
  node: WireNode | null
  /** Index of the nested message in the present flags. */
  nodeIndex: number
  /** An enum's values: another number is left to protobufjs (proto2 keeps it as unknown). */
  enumValues: Set<number> | null
}

interface WireNode {
  /** By field number. */
  slots: (Slot | undefined)[]
}

/** Field numbers read here; a schema with higher ones is left to protobufjs. */
const MAX_FIELD_NUMBER = 1024

interface LeafInfo {
  /** Node indexes of the messages that hold it, outermost first (the top message is not listed). */
  chain: number[]
  presence: boolean
}

const READS: Read[] = [
  'double',
  'float',
  'int32',
  'uint32',
  'sint32',
  'fixed32',
  'sfixed32',
  'int64',
  'uint64',
  'sint64',
  'fixed64',
  'sfixed64',
  'bool',
  'string',
  'bytes'
]

const WIRE: Record<Read, number> = {
  double: 1,
  float: 5,
  int32: 0,
  uint32: 0,
  sint32: 0,
  fixed32: 5,
  sfixed32: 5,
  int64: 0,
  uint64: 0,
  sint64: 0,
  fixed64: 1,
  sfixed64: 1,
  bool: 0,
  string: 2,
  bytes: 2
}

const scratchBuffer = new ArrayBuffer(8)
const scratchBytes = new Uint8Array(scratchBuffer)
const scratch = new DataView(scratchBuffer)

/**
 * The plan's fixed fields read from the wire. `leaves` follows ProtobufPlan's order: the
 * constructor gives up (supported = false) when the two would not match.
 */
export class ProtobufWire {
  readonly supported: boolean
  private readonly root: WireNode = { slots: [] }
  private readonly leaves: LeafInfo[] = []
  private nodes = 0
  /** The message each nested message and leaf was last sent in (a count, so no clearing). */
  private present: Uint32Array = new Uint32Array(0)
  private sent: Uint32Array = new Uint32Array(0)
  private generation = 0
  /** The timestamp field's value as a number, or undefined when it was not there. */
  timestamp: number | undefined = undefined
  private tsChain: number[] | null = null
  private tsPresence = false
  private tsSent = false
  private tsValue = 0

  constructor(type: protobuf.Type, skip: string | null, leafCount: number) {
    let ok = this.build(type, this.root, '', [], [type], skip)
    if (skip !== null && this.tsChain === null) ok = false
    this.supported = ok && this.leaves.length === leafCount
    this.present = new Uint32Array(this.nodes)
    this.sent = new Uint32Array(this.leaves.length)
  }

  private build(
    type: protobuf.Type,
    node: WireNode,
    prefix: string,
    chain: number[],
    open: protobuf.Type[],
    skip: string | null
  ): boolean {
    for (const field of type.fieldsArray) {
      if (field.repeated || field.map) return false
      if (field.partOf && field.partOf.fieldsArray.length > 1) return false
      if (field.id > MAX_FIELD_NUMBER) return false
      const path = prefix ? `${prefix}.${field.name}` : field.name
      const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null
      const slot: Slot = {
        enumValues: null,
        wire: 2,
        read: 'bytes',
        code: 0,
        leaf: -1,
        timestamp: false,
        node: null,
        nodeIndex: -1
      }
      if (nested) {
        // Nested past the plan's depth, or inside itself: left to protobufjs.
        if (open.includes(nested) || open.length >= MAX_NESTING || path === skip) return false
        slot.node = { slots: [] }
        slot.nodeIndex = this.nodes++
        if (
          !this.build(nested, slot.node, path, [...chain, slot.nodeIndex], [...open, nested], skip)
        )
          return false
      } else if (field.resolvedType instanceof protobuf.Enum) {
        slot.read = 'int32'
        slot.enumValues = new Set(Object.values(field.resolvedType.values))
      } else if (field.type in WIRE) {
        slot.read = field.type as Read
      } else return false
      slot.wire = WIRE[slot.read]
      slot.code = READS.indexOf(slot.read)
      if (path === skip) {
        if (slot.read === 'bool' || slot.read === 'string' || slot.read === 'bytes') return false
        slot.timestamp = true
        this.tsChain = chain
        this.tsPresence = field.hasPresence
      } else if (!nested && slot.read !== 'string' && slot.read !== 'bytes') {
        const long =
          path.length > MAX_FIELD_NAME_BYTES / 3 && byteLength(path) > MAX_FIELD_NAME_BYTES
        if (!long) {
          slot.leaf = this.leaves.length
          this.leaves.push({ chain, presence: field.hasPresence })
        }
      }
      node.slots[field.id] = slot
    }
    return true
  }

  /** Reads a whole payload into `values` (plan order); false when protobufjs must decode it. */
  read(b: Uint8Array, values: number[]): boolean {
    if (++this.generation === 0xffffffff) {
      this.generation = 1
      this.present.fill(0)
      this.sent.fill(0)
    }
    const generation = this.generation
    this.tsSent = false
    if (!this.message(b, 0, b.length, this.root, values)) return false
    const leaves = this.leaves
    for (let i = 0; i < leaves.length; i++) {
      if (this.sent[i] === generation) continue
      const leaf = leaves[i]
      // Not sent: missing when the field tracks presence or a message on the way was not sent,
      // else the implicit zero.
      values[i] = leaf.presence || !this.chainPresent(leaf.chain) ? NaN : 0
    }
    if (this.tsChain !== null) {
      this.timestamp = this.tsSent
        ? this.tsValue
        : this.tsPresence || !this.chainPresent(this.tsChain)
          ? undefined
          : 0
    }
    return true
  }

  private chainPresent(chain: number[]): boolean {
    for (let k = 0; k < chain.length; k++)
      if (this.present[chain[k]] !== this.generation) return false
    return true
  }

  private message(
    b: Uint8Array,
    pos: number,
    end: number,
    node: WireNode,
    values: number[]
  ): boolean {
    while (pos < end) {
      // Tags and lengths under 128 (one byte) are the usual case.
      let tag = b[pos]
      if (tag < 128) pos++
      else {
        pos = varint(b, pos, end)
        if (pos < 0 || hi !== 0) return false
        tag = lo
      }
      const slot = node.slots[tag >>> 3]
      if (slot === undefined || slot.wire !== (tag & 7)) return false
      if (slot.wire === 2) {
        let length = pos < end ? b[pos] : 128
        if (length < 128) pos++
        else {
          pos = varint(b, pos, end)
          if (pos < 0 || hi !== 0) return false
          length = lo
        }
        if (length > end - pos) return false
        const stop = pos + length
        if (slot.node) {
          this.present[slot.nodeIndex] = this.generation
          if (!this.message(b, pos, stop, slot.node, values)) return false
        } else if (slot.read === 'string') {
          // Text is checked by protobufjs (UTF-8): plain ASCII needs no check.
          for (let k = pos; k < stop; k++) if (b[k] >= 128) return false
        }
        pos = stop
        continue
      }
      let v: number
      if (slot.wire === 0) {
        pos = varint(b, pos, end)
        if (pos < 0) return false
        v = fromVarint(slot.code)
        if (slot.enumValues !== null && !slot.enumValues.has(v)) return false
      } else {
        const size = slot.wire === 1 ? 8 : 4
        if (end - pos < size) return false
        for (let k = 0; k < size; k++) scratchBytes[k] = b[pos + k]
        pos += size
        v = fromFixed(slot.code, slot.timestamp)
      }
      if (slot.timestamp) {
        this.tsSent = true
        this.tsValue = v
      } else if (slot.leaf >= 0) {
        this.sent[slot.leaf] = this.generation
        values[slot.leaf] = v
      }
    }
    return true
  }
}

/** The chart value of a varint field, as protobufjs reads it and convert() makes it a number. */
function fromVarint(code: number): number {
  switch (code) {
    case 2: // int32
      return lo | 0
    case 3: // uint32
      return lo
    case 4: // sint32
      return ((lo >>> 1) ^ -(lo & 1)) | 0
    case 7: // int64
      return (hi | 0) * 4294967296 + lo
    case 8: // uint64
      return hi * 4294967296 + lo
    case 9: {
      // sint64
      const mask = -(lo & 1)
      const l = (((lo >>> 1) | (hi << 31)) ^ mask) >>> 0
      const h = ((hi >>> 1) ^ mask) >>> 0
      return (h | 0) * 4294967296 + l
    }
    default:
      return nonzero ? 1 : 0 // bool
  }
}

/** The same for a fixed-size field (in `scratch`); a float stays raw for a timestamp. */
function fromFixed(code: number, timestamp: boolean): number {
  switch (code) {
    case 0: // double
      return scratch.getFloat64(0, true)
    case 1: {
      // float
      const f = scratch.getFloat32(0, true)
      return timestamp ? f : shortestFloat32(f)
    }
    case 5: // fixed32
      return scratch.getUint32(0, true)
    case 6: // sfixed32
      return scratch.getInt32(0, true)
    case 10: // fixed64
      return scratch.getUint32(4, true) * 4294967296 + scratch.getUint32(0, true)
    default:
      return scratch.getInt32(4, true) * 4294967296 + scratch.getUint32(0, true) // sfixed64
  }
}
