import {
  CFG,
  CHUNK,
  CHUNK_HEADER_BYTES,
  CHUNK_NAMES,
  CLIENT,
  CLIENT_MSG,
  FILE_HEADER_BYTES,
  MAGIC,
  MAX_PAYLOAD,
  MSG_STATE_MAX,
  MSG_STORE,
  RETAIN,
  SUB,
  SUPPORTED_VERSION
} from './persistence-format'

/** One message the broker holds (MSG_STORE), without its payload. */
export interface StoredMessage {
  topic: string
  /** Client id of the publisher; '' when the broker itself published it. */
  source: string
  /** Epoch seconds when it expires; 0 when it carries no message expiry interval. */
  expiryTime: number
  qos: number
  payloadBytes: number
}

/** A stored message on a client's list (CLIENT_MSG): to deliver (out) or received (in). */
export interface ClientMessage {
  clientId: string
  storeId: bigint
  qos: number
  state: number
  direction: number
}

/** A persistent session (CLIENT). */
export interface Session {
  id: string
  username: string
  /** Epoch seconds when the session expires; 0 while connected or when it never expires. */
  sessionExpiryTime: number
  sessionExpiryInterval: number
}

export interface PersistenceContents {
  version: number | null
  stored: Map<bigint, StoredMessage>
  sessions: Map<string, Session>
  clientMessages: ClientMessage[]
  subscriptions: number
  retained: number
  chunks: number
  /** Plain words when the file could not be read to its end; what came before is kept. */
  problem: string | null
}

/** Random access to the bytes of a file (or a buffer, in tests). */
export interface ByteSource {
  readonly size: number
  /** Exactly `length` bytes at `position`; the caller keeps within `size`. */
  read(position: number, length: number): Promise<Uint8Array>
}

export class BufferSource implements ByteSource {
  constructor(private readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.byteLength
  }
  async read(position: number, length: number): Promise<Uint8Array> {
    return this.bytes.subarray(position, position + length)
  }
}

class Damaged extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function emptyContents(): PersistenceContents {
  return {
    version: null,
    stored: new Map(),
    sessions: new Map(),
    clientMessages: [],
    subscriptions: 0,
    retained: 0,
    chunks: 0,
    problem: null
  }
}

/** The length an MQTT variable byte integer says, and how many bytes it took; null if invalid. */
function varint(
  bytes: Uint8Array,
  at: number,
  end: number
): { value: number; size: number } | null {
  let value = 0
  for (let i = 0; i < 4 && at + i < end; i++) {
    const b = bytes[at + i]
    value += (b & 0x7f) * 128 ** i
    if ((b & 0x80) === 0) return { value, size: i + 1 }
  }
  return null
}

/** The format version, or why the file cannot be read at all, from its first bytes. */
export function checkHeader(
  head: Uint8Array,
  size: number
): { version: number | null; problem: string | null } {
  if (size === 0)
    return {
      version: null,
      problem: 'The file is empty: the broker has not saved anything to it yet.'
    }
  for (let i = 0; i < Math.min(head.length, MAGIC.length); i++) {
    if (head[i] !== MAGIC[i])
      return {
        version: null,
        problem: 'This is not a Mosquitto persistence file (it does not start with "mosquitto db").'
      }
  }
  if (size < FILE_HEADER_BYTES)
    return {
      version: null,
      problem: `The file ends after ${size} bytes, inside its header: it was cut short.`
    }
  const version = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(19)
  if (version !== SUPPORTED_VERSION)
    return {
      version,
      problem: `This persistence file has format version ${version}; this reader knows version ${SUPPORTED_VERSION} (Mosquitto 2.0).`
    }
  return { version, problem: null }
}

/**
 * Parses a persistence file chunk by chunk, checking every length against the chunk and the
 * chunk against the file before reading it: a damaged or cut file ends the reading with a
 * plain-words `problem`, keeps what was read before it, and never allocates more than the
 * file holds (payloads are skipped, not read).
 */
export async function parsePersistence(source: ByteSource): Promise<PersistenceContents> {
  const out = emptyContents()
  const size = source.size
  const head =
    size === 0 ? new Uint8Array(0) : await source.read(0, Math.min(size, FILE_HEADER_BYTES))
  const checked = checkHeader(head, size)
  out.version = checked.version
  out.problem = checked.problem
  if (out.problem) return out
  const names = new Map<string, string>()
  const intern = (s: string): string => {
    const known = names.get(s)
    if (known !== undefined) return known
    names.set(s, s)
    return s
  }

  let position = FILE_HEADER_BYTES
  while (position < size) {
    const index = out.chunks + 1
    if (size - position < CHUNK_HEADER_BYTES) {
      out.problem = `The file ends inside the header of chunk ${index} (byte ${position}): it was cut short.`
      break
    }
    const header = await source.read(position, CHUNK_HEADER_BYTES)
    const hv = new DataView(header.buffer, header.byteOffset, CHUNK_HEADER_BYTES)
    const type = hv.getUint32(0)
    const length = hv.getUint32(4)
    const bodyAt = position + CHUNK_HEADER_BYTES
    const name = CHUNK_NAMES[type]
    if (!name) {
      out.problem = `Chunk ${index} (byte ${position}) has an unknown type ${type}: the file is damaged from there on.`
      break
    }
    if (length > size - bodyAt) {
      out.problem = `Chunk ${index} (${name}, byte ${position}) claims ${length} bytes but only ${size - bodyAt} remain: the file was cut short or is damaged.`
      break
    }
    try {
      await readChunk(source, type, bodyAt, length, out, intern)
    } catch (error) {
      if (!(error instanceof Damaged)) throw error
      out.problem = `Chunk ${index} (${name}, byte ${position}) is damaged: ${error.message}.`
      break
    }
    out.chunks++
    position = bodyAt + length
  }
  return out
}

async function readChunk(
  source: ByteSource,
  type: number,
  at: number,
  length: number,
  out: PersistenceContents,
  intern: (s: string) => string
): Promise<void> {
  const fixed = (size: number): Promise<DataView> => {
    if (length < size)
      throw new Damaged(`${length} bytes, shorter than its ${size}-byte fixed part`)
    // A copy: later reads may refill the window these bytes live in.
    return source.read(at, size).then((b) => new DataView(b.slice().buffer))
  }
  /** Decodes `n` bytes of text at `offset` in the chunk. */
  const text = async (offset: number, n: number, what: string): Promise<string> => {
    if (n === 0) return ''
    try {
      return intern(utf8.decode(await source.read(at + offset, n)))
    } catch {
      throw new Damaged(`its ${what} is not valid UTF-8`)
    }
  }
  /** The rest of the chunk from `offset` on is an MQTT property block: a length, then that many bytes. */
  const properties = async (offset: number): Promise<void> => {
    const rest = length - offset
    if (rest === 0) return
    const probe = await source.read(at + offset, Math.min(4, rest))
    const len = varint(probe, 0, probe.length)
    if (!len || len.size + len.value !== rest)
      throw new Damaged(`its ${rest} trailing bytes are not a property block`)
  }

  switch (type) {
    case CHUNK.CFG: {
      const v = await fixed(CFG.size)
      if (length !== CFG.size) throw new Damaged(`${length} bytes where ${CFG.size} belong`)
      const idSize = v.getUint8(CFG.dbidSize)
      if (idSize !== 8) throw new Damaged(`message ids of ${idSize} bytes (expected 8)`)
      return
    }
    case CHUNK.MSG_STORE: {
      const v = await fixed(MSG_STORE.size)
      const payloadBytes = v.getUint32(MSG_STORE.payloadLen)
      const idLen = v.getUint16(MSG_STORE.sourceIdLen)
      const userLen = v.getUint16(MSG_STORE.sourceUsernameLen)
      const topicLen = v.getUint16(MSG_STORE.topicLen)
      const qos = v.getUint8(MSG_STORE.qos)
      if (payloadBytes > MAX_PAYLOAD) throw new Damaged(`a payload of ${payloadBytes} bytes`)
      if (qos > 2) throw new Damaged(`QoS ${qos}`)
      if (topicLen === 0) throw new Damaged('an empty topic')
      const used = MSG_STORE.size + idLen + userLen + topicLen + payloadBytes
      if (used > length) throw new Damaged(`its parts need ${used} bytes, more than its ${length}`)
      const sourceId = await text(MSG_STORE.size, idLen, 'publisher id')
      const topic = await text(MSG_STORE.size + idLen + userLen, topicLen, 'topic')
      await properties(used)
      const storeId = v.getBigUint64(MSG_STORE.storeId, true)
      out.stored.set(storeId, {
        topic,
        source: sourceId,
        expiryTime: Number(v.getBigInt64(MSG_STORE.expiryTime, true)),
        qos,
        payloadBytes
      })
      return
    }
    case CHUNK.CLIENT_MSG: {
      const v = await fixed(CLIENT_MSG.size)
      const idLen = v.getUint16(CLIENT_MSG.idLen)
      const qos = v.getUint8(CLIENT_MSG.qos)
      const state = v.getUint8(CLIENT_MSG.state)
      const direction = v.getUint8(CLIENT_MSG.direction)
      if (idLen === 0) throw new Damaged('an empty client id')
      if (qos > 2) throw new Damaged(`QoS ${qos}`)
      if (state > MSG_STATE_MAX) throw new Damaged(`message state ${state}`)
      if (direction > 1) throw new Damaged(`direction ${direction}`)
      const used = CLIENT_MSG.size + idLen
      if (used > length) throw new Damaged(`its parts need ${used} bytes, more than its ${length}`)
      const clientId = await text(CLIENT_MSG.size, idLen, 'client id')
      await properties(used)
      out.clientMessages.push({
        clientId,
        storeId: v.getBigUint64(CLIENT_MSG.storeId, true),
        qos,
        state,
        direction
      })
      return
    }
    case CHUNK.RETAIN: {
      await fixed(RETAIN.size)
      if (length !== RETAIN.size) throw new Damaged(`${length} bytes where ${RETAIN.size} belong`)
      out.retained++
      return
    }
    case CHUNK.SUB: {
      const v = await fixed(SUB.size)
      const idLen = v.getUint16(SUB.idLen)
      const topicLen = v.getUint16(SUB.topicLen)
      const qos = v.getUint8(SUB.qos)
      if (qos > 2) throw new Damaged(`QoS ${qos}`)
      if (idLen === 0 || topicLen === 0) throw new Damaged('an empty client id or topic filter')
      const used = SUB.size + idLen + topicLen
      if (used !== length) throw new Damaged(`its parts need ${used} bytes, not ${length}`)
      await text(SUB.size, idLen, 'client id')
      await text(SUB.size + idLen, topicLen, 'topic filter')
      out.subscriptions++
      return
    }
    case CHUNK.CLIENT: {
      const v = await fixed(CLIENT.size)
      const idLen = v.getUint16(CLIENT.idLen)
      const userLen = v.getUint16(CLIENT.usernameLen)
      if (idLen === 0) throw new Damaged('an empty client id')
      const used = CLIENT.size + idLen + userLen
      if (used !== length) throw new Damaged(`its parts need ${used} bytes, not ${length}`)
      const id = await text(CLIENT.size, idLen, 'client id')
      out.sessions.set(id, {
        id,
        username: await text(CLIENT.size + idLen, userLen, 'username'),
        sessionExpiryTime: Number(v.getBigInt64(CLIENT.sessionExpiryTime, true)),
        sessionExpiryInterval: v.getUint32(CLIENT.sessionExpiryInterval)
      })
      return
    }
  }
}
