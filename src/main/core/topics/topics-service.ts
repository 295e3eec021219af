import type { IPublishPacket } from 'mqtt'
import { AppError } from '../../../shared/contract'
import { hexToBytes, payloadBytes, topicProblem } from '../../../shared/publish-payload'
import type { Profile, Settings } from '../../../shared/schemas'
import {
  MAX_PUBLISH_BYTES,
  MAX_RECENT_PAYLOAD_CHARS,
  MAX_RECENT_PUBLISHES,
  PAYLOAD_PAGE_BYTES,
  type MessageProps,
  type PayloadPage,
  type PublishResult,
  type RecentPublish,
  type TopicDelta,
  type TopicHistory,
  type TopicMessage,
  type TopicPreview
} from '../../../shared/topic-types'
import type { CaptureStore } from '../capture/capture-store'
import type { KeptMessage as JournalMessage } from '../capture/recent-messages'
import type { Connection } from '../connection/connection'
import type { SparkplugState } from '../decode'
import { JOURNAL_SEQ_BASE, journalIndex, JournalMessages, journalSeq } from './journal-messages'
import { MessageHistory, type KeptMessage, type MessageSource } from './message-history'
import { decoderFor, previewLine, withDecoded } from './payload-preview'
import { SparkplugMarks } from './sparkplug-marks'
import type { RootNode } from './topic-node'
import { TopicTree } from './topic-tree'

const DELTA_MS = 50
const MB = 1024 * 1024

export interface TopicsDeps {
  connection: (profileId: string) => Connection | undefined
  profile: (profileId: string) => Profile
  explorerSettings: () => Settings['explorer']
  saveExplorer: (change: Partial<Settings['explorer']>) => void
  emit: (delta: TopicDelta) => void
  /** What a connection knows of its Sparkplug B nodes and devices (their state in the tree). */
  sparkplug?: (profileId: string) => SparkplugState | undefined
  /** The capture store: messages of earlier runs for the inspector. */
  capture?: () => CaptureStore | undefined
}

export type PublishRequest = Omit<RecentPublish, 'at'> & { remember: boolean }

/** MQTT 5 properties as the inspector shows them (topic aliases are the client's business). */
export function messageProps(packet: IPublishPacket | undefined): MessageProps | null {
  const p = packet?.properties
  if (!p) return null
  const out: MessageProps = {}
  if (p.contentType !== undefined) out.contentType = p.contentType
  if (p.payloadFormatIndicator !== undefined) out.payloadFormat = p.payloadFormatIndicator ? 1 : 0
  if (p.messageExpiryInterval !== undefined) out.expirySeconds = p.messageExpiryInterval
  if (p.responseTopic !== undefined) out.responseTopic = p.responseTopic
  if (p.correlationData !== undefined) out.correlationData = new Uint8Array(p.correlationData)
  if (p.userProperties) {
    const pairs: [string, string][] = []
    for (const [k, v] of Object.entries(p.userProperties))
      for (const one of Array.isArray(v) ? v : [v]) pairs.push([k, String(one)])
    out.userProperties = pairs
  }
  if (p.subscriptionIdentifier !== undefined)
    out.subscriptionIds = ([] as number[]).concat(p.subscriptionIdentifier)
  return Object.keys(out).length > 0 ? out : null
}

/**
 * The topic explorer's core: every message goes into the tree and the kept history; the UI
 * hears about changes in batches and asks for previews, messages and payload pages.
 */
export class TopicsService {
  readonly tree = new TopicTree()
  private kept: MessageHistory | null = null
  private timer: ReturnType<typeof setTimeout> | null = null
  /** When the pending delta began collecting. */
  private openedAt = 0
  private closed = false
  private readonly marks: SparkplugMarks
  private readonly journal: JournalMessages

  constructor(private readonly deps: TopicsDeps) {
    this.marks = new SparkplugMarks(this.tree, (id) => deps.sparkplug?.(id))
    this.journal = new JournalMessages(() => deps.capture?.(), Date.now())
  }

  /** Made on first use: the settings it reads are loaded after the core is constructed. */
  get history(): MessageHistory {
    if (!this.kept) {
      const s = this.deps.explorerSettings()
      this.kept = new MessageHistory(s.historyMB * MB, s.perTopic, JOURNAL_SEQ_BASE)
    }
    return this.kept
  }

  /** Where the inspector's messages come from (memory here; see MessageSource). */
  get source(): MessageSource {
    return this.history
  }

  connectionOpened(profile: Profile): void {
    this.tree.root(profile.id, profile.name)
    this.schedule()
  }

  /** Counts a message in the tree: its node's id, or -1 (the tree is full, or closed). */
  record(profile: Profile, topic: string, retain: boolean, at = Date.now()): number {
    if (this.closed) return -1
    const root = this.tree.root(profile.id, profile.name)
    const node = this.tree.record(root, topic, at, retain)
    this.schedule(at)
    return node ? node.id : -1
  }

  /** What a recorded message brings: its fields, preview, Sparkplug marks and kept copy. */
  keep(
    nodeId: number,
    topic: string,
    payload: Uint8Array,
    packet: IPublishPacket | undefined,
    fields: readonly string[] | undefined
  ): void {
    const node = this.tree.node(nodeId)
    if (this.closed || !node?.root) return
    this.tree.setFields(node, fields)
    this.tree.setLast(node, payload)
    this.marks.seen(node.root, node, topic)
    const qos = packet?.qos ?? 0
    const retain = packet?.retain ?? false
    const dup = packet?.dup ?? false
    this.history.add(node.id, node.lastAt, qos, retain, dup, payload, messageProps(packet))
  }

  message(
    profile: Profile,
    topic: string,
    payload: Uint8Array,
    packet: IPublishPacket | undefined,
    fields: readonly string[] | undefined
  ): void {
    const id = this.record(profile, topic, packet?.retain ?? false)
    this.keep(id, topic, payload, packet, fields)
  }

  snapshot(): TopicDelta {
    this.marks.refresh()
    return this.tree.snapshot(Date.now())
  }

  previews(ids: readonly number[]): TopicPreview[] {
    const out: TopicPreview[] = []
    for (const id of ids) {
      const node = this.tree.node(id)
      const bytes = node?.isTopic ? this.tree.lastBytes(node) : null
      if (!node?.root || !bytes) continue
      const decoder = decoderFor(this.profileOf(node.root), node.topic)
      out.push({ id, ...previewLine(decoder, bytes, node.lastSize, node.lastAt) })
    }
    return out
  }

  /**
   * The topic's messages, newest first: this run's from memory, then (when those run out)
   * earlier runs' from the capture journal.
   */
  async messages(nodeId: number, limit: number, beforeSeq?: number): Promise<TopicHistory> {
    const node = this.tree.node(nodeId)
    if (!node) throw new AppError('not-found', 'That topic is no longer in the tree.')
    const root = node.root ?? (node as RootNode)
    const profile = this.profileOf(root)
    const kept = this.source.list(nodeId, limit, beforeSeq)
    const messages = kept.map((m) => this.toMessage(m, profile, node.topic))
    let journalMore = false
    if (node.isTopic && kept.length < limit) {
      const from =
        beforeSeq === undefined || beforeSeq >= JOURNAL_SEQ_BASE ? 0 : journalIndex(beforeSeq) + 1
      const earlier = await this.journal.newest(root.label, node.topic, from, limit - kept.length)
      earlier.messages.forEach((m, i) =>
        messages.push(this.fromJournal(m, journalSeq(from + i), profile, node.topic))
      )
      journalMore = earlier.more
    }
    return {
      nodeId,
      profileId: root.profileId,
      connection: root.label,
      topic: node.topic,
      received: node.isTopic ? this.ownMessages(nodeId) : 0,
      kept: this.source.kept(nodeId),
      messages,
      journalMore,
      usedBytes: this.history.usedBytes,
      budgetBytes: this.history.budgetBytes,
      perTopic: this.history.limitPerTopic
    }
  }

  async payloadPage(
    nodeId: number,
    seq: number,
    offset: number,
    length: number
  ): Promise<PayloadPage> {
    const m =
      seq < JOURNAL_SEQ_BASE ? await this.journalMessage(nodeId, seq) : this.source.get(nodeId, seq)
    if (!m)
      throw new AppError(
        'not-found',
        'That message is no longer kept: newer messages took its place within the history budget.'
      )
    const start = Math.min(offset, m.payload.byteLength)
    return {
      seq,
      offset: start,
      size: m.payload.byteLength,
      bytes: m.payload.slice(start, Math.min(m.payload.byteLength, start + length))
    }
  }

  async publish(req: PublishRequest): Promise<PublishResult> {
    const profile = this.deps.profile(req.profileId)
    const connection = this.deps.connection(req.profileId)
    if (!connection || connection.status.state !== 'connected')
      throw new AppError(
        'not-connected',
        `${profile.name} is not connected: connect first, then publish.`
      )
    const problem = topicProblem(req.topic)
    if (problem) throw new AppError('bad-request', problem)
    const payload = payloadBytes(req.format, req.payload)
    if (!payload.ok) throw new AppError('bad-request', payload.error)
    if (payload.bytes.byteLength > MAX_PUBLISH_BYTES)
      throw new AppError(
        'bad-request',
        `The payload is ${payload.bytes.byteLength.toLocaleString('en-US')} bytes; at most ${MAX_PUBLISH_BYTES.toLocaleString('en-US')} can be published from here.`
      )
    const properties = this.publishProps(req, profile)
    try {
      await connection.publish(req.topic, Buffer.from(payload.bytes), {
        qos: req.qos,
        retain: req.retain,
        ...(properties ? { properties } : {})
      })
    } catch (error) {
      throw new AppError('publish-failed', `Publishing failed: ${(error as Error).message}`)
    }
    let remembered = false
    let recent = this.deps.explorerSettings().recent
    if (req.remember && req.payload.length <= MAX_RECENT_PAYLOAD_CHARS) {
      const { remember: _r, ...entry } = req
      const same = JSON.stringify({ ...entry, at: 0 })
      recent = [
        { ...entry, at: Date.now() },
        ...recent.filter((r) => JSON.stringify({ ...r, at: 0 }) !== same)
      ].slice(0, MAX_RECENT_PUBLISHES)
      this.deps.saveExplorer({ recent })
      remembered = true
    }
    return { bytes: payload.bytes.byteLength, remembered, recent }
  }

  applySettings(): void {
    const s = this.deps.explorerSettings()
    this.history.setLimits(s.historyMB * MB, s.perTopic)
  }

  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private publishProps(req: PublishRequest, profile: Profile) {
    const p = req.properties
    if (!p) return undefined
    const given = Object.entries(p).filter(
      ([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)
    )
    if (given.length === 0) return undefined
    if (profile.protocolVersion !== '5.0')
      throw new AppError(
        'bad-request',
        `MQTT 5 properties need a connection using MQTT 5.0; ${profile.name} uses MQTT ${profile.protocolVersion}. Clear the properties or change the profile's MQTT version.`
      )
    let correlationData: Buffer | undefined
    if (p.correlationData) {
      const bytes = hexToBytes(p.correlationData)
      if (!bytes.ok) throw new AppError('bad-request', `Correlation data: ${bytes.error}`)
      correlationData = Buffer.from(bytes.bytes)
    }
    const userProperties: Record<string, string | string[]> = {}
    for (const [k, v] of p.userProperties ?? []) {
      const prior = userProperties[k]
      userProperties[k] = prior === undefined ? v : ([] as string[]).concat(prior, v)
    }
    return {
      ...(p.contentType ? { contentType: p.contentType } : {}),
      ...(p.payloadFormatIndicator !== undefined
        ? { payloadFormatIndicator: p.payloadFormatIndicator }
        : {}),
      ...(p.messageExpiryInterval !== undefined
        ? { messageExpiryInterval: p.messageExpiryInterval }
        : {}),
      ...(p.responseTopic ? { responseTopic: p.responseTopic } : {}),
      ...(correlationData ? { correlationData } : {}),
      ...(p.userProperties?.length ? { userProperties } : {})
    }
  }

  private ownMessages(nodeId: number): number {
    const node = this.tree.node(nodeId)!
    let below = 0
    for (let c = node.firstChild; c; c = c.nextSibling) below += c.messages
    return node.messages - below
  }

  private profileOf(root: RootNode): Profile | null {
    try {
      return this.deps.profile(root.profileId)
    } catch {
      return null
    }
  }

  private async journalMessage(
    nodeId: number,
    seq: number
  ): Promise<{ payload: Uint8Array } | undefined> {
    const node = this.tree.node(nodeId)
    const root = node?.root
    if (!node || !root) return undefined
    const found = await this.journal.newest(root.label, node.topic, journalIndex(seq), 1)
    return found.messages[0]
  }

  private fromJournal(
    m: JournalMessage,
    seq: number,
    profile: Profile | null,
    topic: string
  ): TopicMessage {
    const message: TopicMessage = {
      seq,
      at: m.t,
      qos: 0,
      retain: false,
      dup: false,
      size: m.payload.byteLength,
      payload:
        m.payload.byteLength > PAYLOAD_PAGE_BYTES
          ? m.payload.slice(0, PAYLOAD_PAGE_BYTES)
          : m.payload,
      fromJournal: true
    }
    if (m.truncated) message.truncatedFrom = m.size
    withDecoded(message, decoderFor(profile, topic), m.payload)
    return message
  }

  private toMessage(m: KeptMessage, profile: Profile | null, topic: string): TopicMessage {
    const message: TopicMessage = {
      seq: m.seq,
      at: m.at,
      qos: m.qos,
      retain: m.retain,
      dup: m.dup,
      size: m.payload.byteLength,
      payload:
        m.payload.byteLength > PAYLOAD_PAGE_BYTES
          ? m.payload.slice(0, PAYLOAD_PAGE_BYTES)
          : m.payload
    }
    if (m.props) message.props = m.props
    withDecoded(message, decoderFor(profile, topic), m.payload)
    return message
  }

  /**
   * Makes sure a delta goes out within DELTA_MS; during a flood (one long read, timers
   * waiting) from here, so the UI follows and no delta holds a second of changes.
   */
  private schedule(now = Date.now()): void {
    if (this.closed) return
    if (!this.timer) {
      this.openedAt = now
      this.timer = setTimeout(() => this.sendDelta(), DELTA_MS)
    } else if (now - this.openedAt >= DELTA_MS) this.sendDelta()
  }

  private sendDelta(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.marks.refresh()
    const delta = this.tree.drain(Date.now())
    if (delta) this.deps.emit(delta)
  }
}
