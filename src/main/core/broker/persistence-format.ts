// The layout of Mosquitto's persistence file (`mosquitto.db`, format version 6, Mosquitto 2.0),
// written from the fixed-size structs the broker writes as they are in memory (src/persist.h,
// persist_write*.c): a 15-byte magic, a 4-byte CRC that is always 0, the version (big-endian),
// then chunks of an 8-byte header (type and body length, big-endian) and a body. Most integer
// fields are big-endian; store_id, expiry_time, session_expiry_time and the CFG's last_db_id are
// written in host order (little-endian on every platform the broker ships for). The structs are
// padded to their alignment, which is why some bodies end in unused bytes.

export const MAGIC = Uint8Array.from([
  0x00, 0xb5, 0x00, 0x6d, 0x6f, 0x73, 0x71, 0x75, 0x69, 0x74, 0x74, 0x6f, 0x20, 0x64, 0x62
]) // "\0\xb5\0mosquitto db"

export const SUPPORTED_VERSION = 6
/** Magic, CRC, version. */
export const FILE_HEADER_BYTES = 15 + 4 + 4
export const CHUNK_HEADER_BYTES = 8

export const CHUNK = {
  CFG: 1,
  MSG_STORE: 2,
  CLIENT_MSG: 3,
  RETAIN: 4,
  SUB: 5,
  CLIENT: 6
} as const

export const CHUNK_NAMES: Record<number, string> = {
  1: 'CFG',
  2: 'MSG_STORE',
  3: 'CLIENT_MSG',
  4: 'RETAIN',
  5: 'SUB',
  6: 'CLIENT'
}

/** PF_cfg: last_db_id u64 host, shutdown u8, dbid_size u8, 6 bytes padding. */
export const CFG = { size: 16, lastDbId: 0, shutdown: 8, dbidSize: 9 } as const

/**
 * PF_msg_store: store_id u64 host, expiry_time i64 host, payloadlen u32, source_mid u16,
 * source_id_len u16, source_username_len u16, topic_len u16, source_port u16, qos u8, retain u8;
 * then source id, source username, topic, payload, and an MQTT property block.
 */
export const MSG_STORE = {
  size: 32,
  storeId: 0,
  expiryTime: 8,
  payloadLen: 16,
  sourceMid: 20,
  sourceIdLen: 22,
  sourceUsernameLen: 24,
  topicLen: 26,
  sourcePort: 28,
  qos: 30,
  retain: 31
} as const

/**
 * PF_client_msg: store_id u64 host, mid u16, id_len u16, qos u8, state u8, retain_dup u8,
 * direction u8; then the client id and an MQTT property block.
 */
export const CLIENT_MSG = {
  size: 16,
  storeId: 0,
  mid: 8,
  idLen: 10,
  qos: 12,
  state: 13,
  retainDup: 14,
  direction: 15
} as const

/** PF_retain: store_id u64 host. */
export const RETAIN = { size: 8, storeId: 0 } as const

/**
 * PF_sub: identifier u32, id_len u16, topic_len u16, qos u8, options u8, 2 bytes padding;
 * then the client id and the topic filter.
 */
export const SUB = {
  size: 12,
  identifier: 0,
  idLen: 4,
  topicLen: 6,
  qos: 8,
  options: 9
} as const

/**
 * PF_client (version 6): session_expiry_time i64 host, session_expiry_interval u32,
 * last_mid u16, id_len u16, listener_port u16, username_len u16, 4 bytes padding; then the
 * client id and the username.
 */
export const CLIENT = {
  size: 24,
  sessionExpiryTime: 0,
  sessionExpiryInterval: 8,
  lastMid: 12,
  idLen: 14,
  listenerPort: 16,
  usernameLen: 18
} as const

/** Mosquitto refuses larger payloads (MQTT_MAX_PAYLOAD). */
export const MAX_PAYLOAD = 268_435_455

/** enum mosquitto_msg_state: 11 is "queued", waiting for the client; lower values are in flight. */
export const MSG_STATE_QUEUED = 11
export const MSG_STATE_MAX = 11
/** enum mosquitto_msg_direction. */
export const DIRECTION_OUT = 1

/** A session interval of 2^32-1 never expires (MQTT 3.1.1 with clean session off). */
export const SESSION_NEVER_EXPIRES = 0xffffffff
