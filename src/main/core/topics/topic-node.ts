// A node of the topic tree (one level of a connection's topics) and the columns the tree keeps
// for all nodes by id. The tree (topic-tree.ts) makes them and keeps their figures.
import { NODE_IS_TOPIC, NODE_RETAINED } from '../../../shared/topic-types'

/** Payloads this short are previewed from a fixed slot per node (a sensor's reading). */
export const SHORT_PREVIEW = 16

/**
 * Each node's figures by node id: the time of its last message, its rate, its last payload's
 * size, and that payload when short. Numbers in an object's fields are each a separate heap
 * object, and a broker may have 100,000 nodes; a short payload copied into its slot makes no
 * string per message for the collector.
 */
export class NodeColumns {
  lastAt = new Float64Array(1024)
  rate = new Float64Array(1024)
  /** The last payload's size in bytes. */
  size = new Uint32Array(1024)
  short = new Uint8Array(1024 * SHORT_PREVIEW)

  /** Room for node `id`. */
  ensure(id: number): void {
    if (id < this.lastAt.length) return
    const size = Math.max(id + 1, this.lastAt.length * 2)
    const lastAt = new Float64Array(size)
    const rate = new Float64Array(size)
    const sizes = new Uint32Array(size)
    const short = new Uint8Array(size * SHORT_PREVIEW)
    lastAt.set(this.lastAt)
    rate.set(this.rate)
    sizes.set(this.size)
    short.set(this.short)
    this.lastAt = lastAt
    this.rate = rate
    this.size = sizes
    this.short = short
  }
}

const IS_TOPIC = 1
const RETAINED = 2
const DIRTY = 4

export class TopicNode {
  /** Children as a list (newest first): a map per parent cost more than the nodes themselves. */
  firstChild: TopicNode | null = null
  nextSibling: TopicNode | null = null
  messages = 0
  topics = 0
  /** IS_TOPIC, RETAINED and DIRTY: one field instead of three. */
  private bits = 0
  /** Numeric fields the topic's payloads decode to (what a filter on field names sees). */
  fields: readonly string[] | null = null
  /**
   * The last payload's first bytes when longer than SHORT_PREVIEW (shorter ones are in the
   * tree's columns), for the one-line preview: one character per byte, since a short string
   * costs far less than a typed array per topic.
   */
  last: string | null = null

  constructor(
    readonly id: number,
    readonly parent: TopicNode | null,
    /** The full topic ('' for a connection root): the tree's key for the node, shared. */
    readonly topic: string,
    readonly root: RootNode | null
  ) {}

  /** The node's own level (levels past the depth limit together), cut from its topic. */
  get name(): string {
    const parent = this.parent
    if (!parent) return this.topic
    return parent.parent ? this.topic.slice(parent.topic.length + 1) : this.topic
  }

  /** A message arrived on exactly this topic. */
  get isTopic(): boolean {
    return (this.bits & IS_TOPIC) !== 0
  }

  set isTopic(on: boolean) {
    this.bits = on ? this.bits | IS_TOPIC : this.bits & ~IS_TOPIC
  }

  get retained(): boolean {
    return (this.bits & RETAINED) !== 0
  }

  set retained(on: boolean) {
    this.bits = on ? this.bits | RETAINED : this.bits & ~RETAINED
  }

  /** Changed since the last delta (listed in the tree's dirty list). */
  get dirty(): boolean {
    return (this.bits & DIRTY) !== 0
  }

  set dirty(on: boolean) {
    this.bits = on ? this.bits | DIRTY : this.bits & ~DIRTY
  }

  /** The connection's columns (a root keeps them, so that a node needs no field for them). */
  private table(): NodeColumns {
    return (this.root ?? (this as unknown as RootNode)).columns
  }

  get lastAt(): number {
    return this.table().lastAt[this.id]
  }

  /** The last payload's size in bytes. */
  get lastSize(): number {
    return this.table().size[this.id]
  }

  /** Messages a second, decaying (see RATE_WINDOW_MS). */
  get rate(): number {
    return this.table().rate[this.id]
  }

  get flags(): number {
    return (this.isTopic ? NODE_IS_TOPIC : 0) | (this.retained ? NODE_RETAINED : 0)
  }

  /** The children, oldest first. */
  childList(): TopicNode[] {
    const out: TopicNode[] = []
    for (let c = this.firstChild; c; c = c.nextSibling) out.push(c)
    return out.reverse()
  }

  /** The child of this name, if any. */
  child(name: string): TopicNode | undefined {
    for (let c = this.firstChild; c; c = c.nextSibling) if (c.name === name) return c
    return undefined
  }
}

export class RootNode extends TopicNode {
  /** Every node of the connection by its full topic (levels without messages too). */
  readonly byTopic = new Map<string, TopicNode>()
  /** The name it was made with (the label sent with each delta may change since). */
  private readonly rootName: string

  constructor(
    id: number,
    readonly profileId: string,
    public label: string,
    readonly columns: NodeColumns
  ) {
    super(id, null, '', null)
    this.rootName = label
  }

  override get name(): string {
    return this.rootName
  }
}
