// One kept message in the explorer's history chunks (see message-history.ts):
//   [u32 length][u32 topic][f64 seq][f64 at][f64 previous record of the topic]
//   [f64 next record of the topic]
//   [u32 flags: QoS (2 bits), retain, dup, dead, padding (2 bits); properties length above]
//   [properties as JSON][payload], padded to 4 bytes (DataView reads need no more).
// The payload's length is what the record's length leaves after header, properties, padding.
// Previous and next are absolute positions; a record is dead once its topic no longer keeps it.
import type { MessageProps } from '../../../shared/topic-types'

export const HEADER = 44
export const LENGTH = 0
export const TOPIC = 4
export const SEQ = 8
export const AT = 16
export const PREV = 24
export const NEXT = 32
export const FLAGS = 40
const RETAIN = 4
const DUP = 8
export const DEAD = 16
const PAD_SHIFT = 5
const PROPS_SHIFT = 7
/** Properties longer than this (as JSON) do not fit their bits: the message is not kept. */
export const MAX_PROPS = 2 ** (32 - PROPS_SHIFT) - 1

export interface KeptMessage {
  seq: number
  at: number
  qos: 0 | 1 | 2
  retain: boolean
  dup: boolean
  payload: Uint8Array
  props: MessageProps | null
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A record's length for these properties and payload lengths. */
export function recordLength(propLength: number, payloadLength: number): number {
  return (HEADER + propLength + payloadLength + 3) & ~3
}

/** MQTT 5 properties as JSON bytes (correlation data as an array of bytes). */
export function encodeProps(props: MessageProps | null): Uint8Array | null {
  if (!props) return null
  const plain = props.correlationData
    ? { ...props, correlationData: Array.from(props.correlationData) }
    : props
  return encoder.encode(JSON.stringify(plain))
}

function decodeProps(bytes: Uint8Array): MessageProps {
  const raw = JSON.parse(decoder.decode(bytes)) as Omit<MessageProps, 'correlationData'> & {
    correlationData?: number[]
  }
  const { correlationData, ...rest } = raw
  return correlationData ? { ...rest, correlationData: Uint8Array.from(correlationData) } : rest
}

export function flagsWord(
  qos: 0 | 1 | 2,
  retain: boolean,
  dup: boolean,
  propLength: number,
  payloadLength: number
): number {
  const pad = recordLength(propLength, payloadLength) - HEADER - propLength - payloadLength
  const bits = qos | (retain ? RETAIN : 0) | (dup ? DUP : 0) | (pad << PAD_SHIFT)
  return (bits | (propLength << PROPS_SHIFT)) >>> 0
}

function propsLength(word: number): number {
  return word >>> PROPS_SHIFT
}

/** The message a record at `p` holds (copied out). */
export function readRecord(bytes: Uint8Array, view: DataView, p: number): KeptMessage {
  const word = view.getUint32(p + FLAGS, true)
  const propLength = propsLength(word)
  const start = p + HEADER + propLength
  const pad = (word >>> PAD_SHIFT) & 3
  const end = p + view.getUint32(p + LENGTH, true) - pad
  return {
    seq: view.getFloat64(p + SEQ, true),
    at: view.getFloat64(p + AT, true),
    qos: (word & 3) as 0 | 1 | 2,
    retain: (word & RETAIN) !== 0,
    dup: (word & DUP) !== 0,
    payload: bytes.slice(start, end),
    props: propLength ? decodeProps(bytes.subarray(p + HEADER, start)) : null
  }
}
