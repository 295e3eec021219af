// Sparkplug data messages read straight from the protobuf wire when they have the usual shape:
// a timestamp, a seq, and metrics of name or alias, timestamp, datatype, flags and one scalar
// value. protobufjs builds an object per metric (and its oneof setter deletes the other value
// fields on each one), which costs more than everything else the app does with the message.
// Anything else (text, bytes, DataSets, Templates, properties, metadata, unknown fields, a
// wire type that is not the schema's, a truncated or malformed field) makes read() return
// false, and the caller decodes the message with protobufjs as before: its messages and
// values stay the only definition of what an unusual payload means.
import protobuf from 'protobufjs'
import { hi, lo, nonzero, varint } from '../varint'

/** Which value field a metric carries (the last one sent wins, as in a protobuf oneof). */
export const VALUE_NONE = 0
export const VALUE_INT = 10
export const VALUE_LONG = 11
export const VALUE_FLOAT = 12
export const VALUE_DOUBLE = 13
export const VALUE_BOOLEAN = 14

const utf8 = protobuf.util.utf8
/** Metrics read here per message (the arrays keep this many); more go to protobufjs. */
const MAX_METRICS = 4096

/** The last varint as protobufjs's uint64 becomes a number (exact up to 2^53). */
function unsigned64(): number {
  return hi * 4294967296 + lo
}

/** The metrics of one data message, as parallel arrays reused from message to message. */
export class SparkplugWire {
  /** The payload's timestamp and seq; NaN when absent. */
  timestamp = NaN
  seq = NaN
  count = 0
  readonly name: (string | undefined)[] = []
  /** NaN when absent. */
  readonly alias: number[] = []
  readonly metricTimestamp: number[] = []
  readonly datatype: number[] = []
  readonly isNull: boolean[] = []
  /** VALUE_* */
  readonly kind: number[] = []
  /** int_value as protobufjs's uint32 reads it. */
  readonly int: number[] = []
  /** long_value as an unsigned and as a signed 64-bit number. */
  readonly longUnsigned: number[] = []
  readonly longSigned: number[] = []
  /** float_value (the float32 as a double), double_value, or boolean_value as 1 or 0. */
  readonly num: number[] = []

  /** True when the payload was read whole; false when protobufjs must decode it. */
  read(b: Uint8Array): boolean {
    this.timestamp = NaN
    this.seq = NaN
    this.count = 0
    const n = b.length
    let pos = 0
    while (pos < n) {
      const tag = b[pos++]
      // Payload fields 1 to 5 have one-byte tags.
      if (tag >= 128) return false
      if (tag === 0x12) {
        // metrics: a length-delimited Metric
        pos = varint(b, pos, n)
        if (pos < 0 || hi !== 0 || lo > n - pos) return false
        const end = pos + lo
        if (!this.metric(b, pos, end)) return false
        pos = end
      } else if (tag === 0x08 || tag === 0x18) {
        pos = varint(b, pos, n)
        if (pos < 0) return false
        if (tag === 0x08) this.timestamp = unsigned64()
        else this.seq = unsigned64()
      } else return false
    }
    return true
  }

  private metric(b: Uint8Array, pos: number, end: number): boolean {
    const i = this.count
    if (i >= MAX_METRICS) return false
    let name: string | undefined
    let alias = NaN
    let timestamp = NaN
    let datatype = 0
    let isNull = false
    let kind = VALUE_NONE
    let int = 0
    let longUnsigned = 0
    let longSigned = 0
    let num = 0
    while (pos < end) {
      const tag = b[pos++]
      // Fields 1 to 15 have one-byte tags; 16 to 19 are bytes, DataSets, Templates, extensions.
      if (tag >= 128) return false
      const field = tag >> 3
      const wire = tag & 7
      if (field === 1) {
        if (wire !== 2) return false
        pos = varint(b, pos, end)
        if (pos < 0 || hi !== 0 || lo > end - pos) return false
        // As protobufjs reads text: Node's decoder for a Buffer, its own for other bytes.
        name = Buffer.isBuffer(b) ? b.toString('utf8', pos, pos + lo) : utf8.read(b, pos, pos + lo)
        pos += lo
        continue
      }
      if (field === 12) {
        if (wire !== 5 || end - pos < 4) return false
        num = readFloat32(b, pos)
        kind = VALUE_FLOAT
        pos += 4
        continue
      }
      if (field === 13) {
        if (wire !== 1 || end - pos < 8) return false
        num = readFloat64(b, pos)
        kind = VALUE_DOUBLE
        pos += 8
        continue
      }
      if (wire !== 0) return false
      pos = varint(b, pos, end)
      if (pos < 0) return false
      switch (field) {
        case 2:
          alias = unsigned64()
          break
        case 3:
          timestamp = unsigned64()
          break
        case 4:
          datatype = lo
          break
        case 5:
        case 6:
          break // is_historical, is_transient: not used for charting
        case 7:
          isNull = nonzero
          break
        case 10:
          int = lo
          kind = VALUE_INT
          break
        case 11:
          longUnsigned = unsigned64()
          longSigned = (hi | 0) * 4294967296 + lo
          kind = VALUE_LONG
          break
        case 14:
          num = nonzero ? 1 : 0
          kind = VALUE_BOOLEAN
          break
        default:
          return false
      }
    }
    this.name[i] = name
    this.alias[i] = alias
    this.metricTimestamp[i] = timestamp
    this.datatype[i] = datatype
    this.isNull[i] = isNull
    this.kind[i] = kind
    this.int[i] = int
    this.longUnsigned[i] = longUnsigned
    this.longSigned[i] = longSigned
    this.num[i] = num
    this.count = i + 1
    return true
  }
}

const scratchBuffer = new ArrayBuffer(8)
const scratchBytes = new Uint8Array(scratchBuffer)
const scratch = new DataView(scratchBuffer)

function readFloat32(b: Uint8Array, at: number): number {
  for (let k = 0; k < 4; k++) scratchBytes[k] = b[at + k]
  return scratch.getFloat32(0, true)
}

function readFloat64(b: Uint8Array, at: number): number {
  for (let k = 0; k < 8; k++) scratchBytes[k] = b[at + k]
  return scratch.getFloat64(0, true)
}
