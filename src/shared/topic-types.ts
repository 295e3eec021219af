// The topic explorer's shapes: the tree the core keeps of every topic seen, the messages it
// keeps per topic, what may be published, and the explorer's settings.
import { z } from 'zod'

// schemas.ts imports this file (the settings hold the explorer's): no import back.
const qosSchema = z.union([z.literal(0), z.literal(1), z.literal(2)])

/** Nodes the core's topic tree holds at most (100,000 topics is the design load). */
export const MAX_TREE_NODES = 250_000

/** Flag bits of a tree node (TopicDelta.flags). */
export const NODE_IS_TOPIC = 1
export const NODE_RETAINED = 2

/**
 * Tree nodes created or changed since the previous delta, as parallel arrays (the snapshot
 * is the same shape with every node). Values are absolute, never increments, so applying a
 * delta twice is harmless. A node's parent always has a lower id than the node.
 */
export interface TopicDelta {
  /** Increases by one per delta; a snapshot carries the seq of the last delta it includes. */
  seq: number
  /** The core's clock (epoch ms) when this was taken: ages are measured against it. */
  now: number
  /** True for a snapshot: drop everything known before applying. */
  full: boolean
  /** Connection roots created or renamed: node id, profile id, profile name. */
  roots: { id: number; profileId: string; name: string }[]
  /** Nodes new since the last delta: id, parent id (-1 for a root) and level name. */
  newIds: Float64Array
  newParents: Float64Array
  newNames: string[]
  /** Nodes whose figures changed, with their current figures. */
  ids: Float64Array
  /** Messages received at or below the node. */
  messages: Float64Array
  /** Topics (nodes that received a message themselves) at or below the node. */
  topics: Float64Array
  /** Epoch ms of the last message at or below the node. */
  lastAt: Float64Array
  /** Messages per second (a 10 s moving average) as of lastAt; it decays from there. */
  rate: Float64Array
  /** NODE_IS_TOPIC | NODE_RETAINED (the topic's last message was retained). */
  flags: Float64Array
  /**
   * Topics whose decoded field names changed: node `fieldIds[i]` now has the names
   * `fieldLists[fieldList[i]]`. A list many topics share (every numeric topic's `value`) is
   * sent once, not once per topic.
   */
  fieldIds: Float64Array
  fieldList: Float64Array
  fieldLists: string[][]
  /** Sparkplug B edge nodes and devices (their tree nodes) whose state or seq gaps changed. */
  sparkplug: TreeSparkplugState[]
  /** Messages on topics that could not be added because the tree is full (since start). */
  refused: number
}

/**
 * The state of the Sparkplug B edge node or device a tree node stands for: the edge node
 * level of `spBv1.0/<group>/<type>/<edge node>` and the device level below it.
 */
export interface TreeSparkplugState {
  id: number
  /** Online from its BIRTH until its DEATH (see SparkplugEntityState). */
  status: 'online' | 'offline' | 'unknown'
  /** Messages of the edge node whose `seq` did not follow the one before (0 for a device). */
  seqGaps: number
}

/** How fast a node's rate forgets: a moving average over about this long. */
export const RATE_WINDOW_MS = 10_000

/** The rate `rate` (as of `lastAt`) has decayed to at `now`. */
export function decayedRate(rate: number, lastAt: number, now: number): number {
  if (rate === 0) return 0
  return rate * Math.exp(-Math.max(0, now - lastAt) / RATE_WINDOW_MS)
}

/** MQTT 5 properties of a received message, as far as a person reads them. */
export interface MessageProps {
  contentType?: string
  /** The payload format indicator: 1 = UTF-8 text, 0 = unspecified bytes. */
  payloadFormat?: 0 | 1
  /** Message expiry interval, seconds. */
  expirySeconds?: number
  responseTopic?: string
  correlationData?: Uint8Array
  userProperties?: [string, string][]
  subscriptionIds?: number[]
}

/** One kept message of a topic. */
export interface TopicMessage {
  /** Unique per message in this run (newer is larger). */
  seq: number
  /** Receive time, epoch ms. */
  at: number
  qos: 0 | 1 | 2
  retain: boolean
  dup: boolean
  /** The payload's full size in bytes; `payload` holds at most PAYLOAD_PAGE_BYTES of it. */
  size: number
  payload: Uint8Array
  props?: MessageProps
  /** Numeric fields decoded from the payload (the first row of several). */
  values?: { field: string; value: number }[]
  /** Rows the payload decoded to (a JSON array gives one per element). */
  rows?: number
  /** Why the payload did not decode, in words. */
  decodeError?: string
  /**
   * Read from the capture journal: received before this run, whose QoS, retain flag and
   * properties were not kept. `at` is the time the journal kept with it.
   */
  fromJournal?: boolean
  /** The payload's full size when the journal kept only its first `size` bytes. */
  truncatedFrom?: number
}

/** Bytes of a payload sent with the message list; the rest is read page by page. */
export const PAYLOAD_PAGE_BYTES = 64 * 1024

export interface TopicHistory {
  nodeId: number
  profileId: string
  /** The connection's name (what charts call the connection). */
  connection: string
  topic: string
  /** Messages received on the topic since start. */
  received: number
  /** Messages of the topic still kept. */
  kept: number
  /** Newest first: this run's kept messages, then those of earlier runs from the journal. */
  messages: TopicMessage[]
  /** The capture journal holds messages of the topic older than the last one listed. */
  journalMore: boolean
  /** The whole history's memory use and limits. */
  usedBytes: number
  budgetBytes: number
  perTopic: number
}

export interface PayloadPage {
  seq: number
  offset: number
  size: number
  bytes: Uint8Array
}

export type PreviewKind = 'values' | 'text' | 'hex' | 'empty' | 'gone'

export interface TopicPreview {
  id: number
  kind: PreviewKind
  text: string
}

/** A publish for the broker; the payload is text, JSON text or hex digits per `format`. */
export const publishFormatSchema = z.enum(['text', 'json', 'hex'])
export type PublishFormat = z.infer<typeof publishFormatSchema>

/** Most bytes a publish from the UI may carry (mosquitto's default limit is far above). */
export const MAX_PUBLISH_BYTES = 4 * 1024 * 1024

export const publishPropsSchema = z.object({
  contentType: z.string().max(1024).optional(),
  payloadFormatIndicator: z.boolean().optional(),
  messageExpiryInterval: z.number().int().min(0).max(4294967295).optional(),
  responseTopic: z.string().max(65535).optional(),
  /** Correlation data as hex digits. */
  correlationData: z.string().max(131072).optional(),
  userProperties: z
    .array(z.tuple([z.string().max(65535), z.string().max(65535)]))
    .max(100)
    .optional()
})
export type PublishProps = z.infer<typeof publishPropsSchema>

export const publishSchema = z.object({
  topic: z.string().min(1).max(65535),
  format: publishFormatSchema.default('text'),
  payload: z.string().max(2 * MAX_PUBLISH_BYTES + 1024),
  qos: qosSchema.default(0),
  retain: z.boolean().default(false),
  properties: publishPropsSchema.optional()
})
export type PublishInput = z.input<typeof publishSchema>
export type PublishDraft = z.output<typeof publishSchema>

export const publishRequestSchema = publishSchema.extend({
  profileId: z.string().min(1).max(100),
  /** Keep it in the recent list for resending (default true). */
  remember: z.boolean().default(true)
})

export interface PublishResult {
  bytes: number
  /** False when the payload was too large to keep in the recent list. */
  remembered: boolean
  recent: RecentPublish[]
}

/** Recent publishes kept (and remembered) for resending. */
export const MAX_RECENT_PUBLISHES = 20
/** A publish whose payload text is longer is sent but not kept in the recent list. */
export const MAX_RECENT_PAYLOAD_CHARS = 16 * 1024

export const recentPublishSchema = publishSchema.extend({
  profileId: z.string().min(1).max(100),
  at: z.number().finite(),
  payload: z.string().max(MAX_RECENT_PAYLOAD_CHARS)
})
export type RecentPublish = z.infer<typeof recentPublishSchema>

export const explorerSettingsSchema = z.object({
  // One budget for every topic's kept messages together; the oldest go first.
  historyMB: z.number().int().min(0).max(65536).default(64),
  // Five times what the inspectors users know keep; more in settings, up to 100,000.
  perTopic: z.number().int().min(1).max(100_000).default(500),
  // The topic panel beside the charts.
  panelWidth: z.number().int().min(200).max(4000).default(420),
  panelHidden: z.boolean().default(false),
  recent: z.array(recentPublishSchema).max(MAX_RECENT_PUBLISHES).default([])
})
export type ExplorerSettings = z.infer<typeof explorerSettingsSchema>

export const explorerSettingsInputSchema = explorerSettingsSchema
  .omit({ recent: true })
  .partial()
  .extend({ clearRecent: z.boolean().optional() })

/** A delta's changed field names, one entry per topic. */
export function fieldsOf(delta: TopicDelta): { id: number; names: string[] }[] {
  return Array.from(delta.fieldIds, (id, i) => ({
    id,
    names: delta.fieldLists[delta.fieldList[i]]
  }))
}
