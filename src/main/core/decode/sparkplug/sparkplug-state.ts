// What one connection has learnt about its Sparkplug B edge nodes and devices: their metrics
// (names, aliases, types, units) from birth certificates, online/offline from BIRTH and DEATH
// (with the bdSeq rule), seq gaps, unknown aliases, and rebirth requests. The decoders write
// it; the topic tree reads it through entities() and hosts().
import type { SparkplugEntityState, SparkplugHostState } from '../../../../shared/sparkplug-types'
import { encodeRebirthRequest } from './sparkplug-rebirth'
import { SPARKPLUG_NAMESPACE } from './sparkplug-topic'

/** Edge nodes and devices tracked per connection; more are decoded but not tracked. */
export const MAX_SPARKPLUG_ENTITIES = 100_000
/** Metrics known across all births of one connection (names, aliases, types). */
export const MAX_SPARKPLUG_METRICS = 1_000_000
/** Host applications tracked from STATE messages. */
const MAX_HOSTS = 1000
/** A node is asked for a rebirth at most this often. */
export const REBIRTH_INTERVAL_MS = 30_000

export interface MetricInfo {
  name: string
  datatype: number
  /** Position in the entity's charted fields, or -1 when it is not charted. */
  field: number
  unit: string
}

/** A node or a device: its view and what its birth certificate said. */
export interface EntityRecord {
  view: SparkplugEntityState
  byAlias: Map<number, MetricInfo>
  byName: Map<string, MetricInfo>
  /** Names of its charted metrics, in birth order: one shared array per birth. */
  fields: readonly string[]
  /** Its node (itself for a node). */
  node: NodeRecord
}

export interface NodeRecord extends EntityRecord {
  devices: Map<string, EntityRecord>
  /** The seq the next message should carry, once one has been seen. */
  nextSeq: number | null
}

export interface SparkplugStateOptions {
  /** Publishes a rebirth request; absent when the connection may not publish. */
  publish?: (topic: string, payload: Uint8Array) => void
  now?: () => number
}

export class SparkplugState {
  private readonly nodes = new Map<string, NodeRecord>()
  private readonly bySeries = new Map<string, EntityRecord>()
  private readonly hostStates = new Map<string, SparkplugHostState>()
  private entityCount = 0
  private metricCount = 0
  private readonly now: () => number
  /** Grows whenever anything entities() or hosts() return changes: cheap to poll. */
  version = 0

  constructor(private readonly options: SparkplugStateOptions = {}) {
    this.now = options.now ?? Date.now
  }

  /** The profile was saved: publishing may have been allowed or taken away. */
  setPublish(publish: SparkplugStateOptions['publish']): void {
    this.options.publish = publish
  }

  /** Every node and device, nodes before their devices. */
  entities(): SparkplugEntityState[] {
    const out: SparkplugEntityState[] = []
    for (const node of this.nodes.values()) {
      out.push({ ...node.view })
      for (const device of node.devices.values()) out.push({ ...device.view })
    }
    return out
  }

  entity(group: string, edgeNode: string, device?: string): SparkplugEntityState | undefined {
    const node = this.nodes.get(key(group, edgeNode))
    const record = device === undefined ? node : node?.devices.get(device)
    return record ? { ...record.view } : undefined
  }

  /** A node's or device's metrics by name and alias, for reading (the inspector). */
  known(
    group: string,
    edgeNode: string,
    device?: string
  ): Pick<EntityRecord, 'byName' | 'byAlias'> | undefined {
    const node = this.nodes.get(key(group, edgeNode))
    return device === undefined ? node : node?.devices.get(device)
  }

  hosts(): SparkplugHostState[] {
    return [...this.hostStates.values()].map((h) => ({ ...h }))
  }

  /** The unit a birth certificate gave a metric of a series topic (`engUnit` property). */
  unitOf(series: string, metric: string): string | undefined {
    return this.bySeries.get(series)?.byName.get(metric)?.unit || undefined
  }

  /** The node's record, made on first sight; a string when too many are tracked. */
  node(group: string, edgeNode: string): NodeRecord | string {
    const k = key(group, edgeNode)
    let node = this.nodes.get(k)
    if (!node) {
      if (this.entityCount >= MAX_SPARKPLUG_ENTITIES) return tooMany()
      this.entityCount++
      this.version++
      node = {
        ...newEntity(group, edgeNode, undefined, this.now()),
        devices: new Map(),
        nextSeq: null
      } as NodeRecord
      node.node = node
      this.nodes.set(k, node)
      this.bySeries.set(node.view.series, node)
    }
    return node
  }

  device(node: NodeRecord, device: string): EntityRecord | string {
    let record = node.devices.get(device)
    if (!record) {
      if (this.entityCount >= MAX_SPARKPLUG_ENTITIES) return tooMany()
      this.entityCount++
      this.version++
      record = newEntity(node.view.group, node.view.edgeNode, device, this.now()) as EntityRecord
      record.node = node
      node.devices.set(device, record)
      this.bySeries.set(record.view.series, record)
    }
    return record
  }

  /** Replaces an entity's metrics with a birth certificate's; a string when over budget. */
  birth(
    entity: EntityRecord,
    metrics: readonly { name: string; alias?: number; info: MetricInfo }[],
    fields: readonly string[],
    at: number
  ): string | undefined {
    const added = metrics.length - entity.byName.size
    if (this.metricCount + added > MAX_SPARKPLUG_METRICS)
      return `more than ${MAX_SPARKPLUG_METRICS.toLocaleString('en-US')} Sparkplug metrics known on this connection: this birth certificate is not kept`
    this.metricCount += added
    this.version++
    entity.byAlias = new Map()
    entity.byName = new Map()
    for (const m of metrics) {
      entity.byName.set(m.name, m.info)
      if (m.alias !== undefined) entity.byAlias.set(m.alias, m.info)
    }
    entity.fields = fields
    entity.view.metrics = entity.byName.size
    setOnline(entity, true, at)
    return undefined
  }

  /** A metric a data message names that its birth did not: known from now on. */
  learn(entity: EntityRecord, info: MetricInfo, fields: readonly string[]): boolean {
    this.version++
    if (this.metricCount >= MAX_SPARKPLUG_METRICS) return false
    this.metricCount++
    entity.byName.set(info.name, info)
    entity.fields = fields
    entity.view.metrics = entity.byName.size
    return true
  }

  nodeBirth(
    node: NodeRecord,
    bdSeq: number | undefined,
    seq: number | undefined,
    at: number
  ): void {
    this.version++
    node.view.bdSeq = bdSeq
    node.nextSeq = seq === undefined ? null : (seq + 1) % 256
    if (seq !== undefined) node.view.lastSeq = seq
    // A new session: every device must be born again before its data means anything.
    for (const device of node.devices.values()) setOnline(device, false, at)
  }

  /** NDEATH: offline with its devices, unless its bdSeq belongs to an earlier session. */
  nodeDeath(node: NodeRecord, bdSeq: number | undefined, at: number): boolean {
    this.version++
    const current = node.view.bdSeq
    if (bdSeq !== undefined && current !== undefined && bdSeq !== current) {
      node.view.staleDeaths++
      return false
    }
    setOnline(node, false, at)
    for (const device of node.devices.values()) setOnline(device, false, at)
    node.nextSeq = null
    return true
  }

  deviceDeath(device: EntityRecord, at: number): void {
    this.version++
    setOnline(device, false, at)
  }

  /** Checks a message's seq against the one before from the same node; counts a gap. */
  sequence(node: NodeRecord, seq: number | undefined): boolean {
    if (seq === undefined) return true
    this.version++
    const expected = node.nextSeq
    node.nextSeq = (seq + 1) % 256
    node.view.lastSeq = seq
    if (expected === null || expected === seq) return true
    node.view.seqGaps++
    return false
  }

  /**
   * Counts data for aliases no birth defined, and asks the node for a rebirth when the
   * connection may publish and it was not asked recently.
   */
  unknownAliases(
    entity: EntityRecord,
    aliases: readonly number[]
  ): 'asked' | 'recently' | 'not-allowed' {
    this.version++
    entity.view.unknownAliases += aliases.length
    entity.view.lastUnknownAlias = aliases[aliases.length - 1]
    const publish = this.options.publish
    const node = entity.node
    if (!publish) return 'not-allowed'
    const now = this.now()
    const last = node.view.lastRebirthRequestAt
    if (last !== undefined && now - last < REBIRTH_INTERVAL_MS) return 'recently'
    node.view.lastRebirthRequestAt = now
    node.view.rebirthRequests++
    const { group, edgeNode } = node.view
    publish(`${SPARKPLUG_NAMESPACE}/${group}/NCMD/${edgeNode}`, encodeRebirthRequest(now))
    return 'asked'
  }

  host(host: string, online: boolean, timestamp: number | undefined): void {
    this.version++
    let state = this.hostStates.get(host)
    if (!state) {
      if (this.hostStates.size >= MAX_HOSTS) return
      state = { host, online, since: this.now() }
      this.hostStates.set(host, state)
    } else if (state.online !== online) {
      state.online = online
      state.since = this.now()
    }
    if (timestamp === undefined) delete state.timestamp
    else state.timestamp = timestamp
  }
}

function key(group: string, edgeNode: string): string {
  return `${group}\u0000${edgeNode}`
}

function tooMany(): string {
  return `more than ${MAX_SPARKPLUG_ENTITIES.toLocaleString('en-US')} Sparkplug nodes and devices on this connection: this one is not tracked`
}

function newEntity(
  group: string,
  edgeNode: string,
  device: string | undefined,
  now: number
): Omit<EntityRecord, 'node'> {
  return {
    view: {
      group,
      edgeNode,
      ...(device === undefined ? {} : { device }),
      series: device === undefined ? `${group}/${edgeNode}` : `${group}/${edgeNode}/${device}`,
      status: 'unknown',
      since: now,
      seqGaps: 0,
      staleDeaths: 0,
      unknownAliases: 0,
      rebirthRequests: 0,
      metrics: 0
    },
    byAlias: new Map(),
    byName: new Map(),
    fields: Object.freeze([])
  }
}

function setOnline(entity: EntityRecord, online: boolean, at: number): void {
  const status = online ? 'online' : 'offline'
  if (entity.view.status === status) return
  entity.view.status = status
  entity.view.since = at
}
