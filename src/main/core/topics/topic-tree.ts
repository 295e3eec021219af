// The tree of every topic seen, one root per connection, levels split on '/'. Each node
// keeps figures for itself and everything below it; what changed is collected for the next
// delta to the UI. Bounded: a fixed number of nodes and of topic characters.
import {
  MAX_TREE_NODES,
  NODE_IS_TOPIC,
  NODE_RETAINED,
  RATE_WINDOW_MS,
  type TopicDelta,
  type TreeSparkplugState
} from '../../../shared/topic-types'

/** Characters of topic names the tree holds at most (a hostile broker's 64 KB topics). */
export const MAX_TREE_CHARS = 32 * 1024 * 1024
/** Bytes of each topic's last payload kept for its preview (a sensor's payload whole). */
export const PREVIEW_BYTES = 256
/** Levels of one topic; deeper levels are kept together in the last node. */
export const MAX_TREE_DEPTH = 64

/**
 * Each node's time of its last message and its rate, by node id: numbers in an object's
 * fields are each a separate heap object, and a broker may have 100,000 nodes.
 */
export class NodeTimes {
  lastAt = new Float64Array(1024)
  rate = new Float64Array(1024)

  /** Room for node `id`. */
  ensure(id: number): void {
    if (id < this.lastAt.length) return
    const size = Math.max(id + 1, this.lastAt.length * 2)
    const lastAt = new Float64Array(size)
    const rate = new Float64Array(size)
    lastAt.set(this.lastAt)
    rate.set(this.rate)
    this.lastAt = lastAt
    this.rate = rate
  }
}

export class TopicNode {
  children: Map<string, TopicNode> | null = null
  messages = 0
  topics = 0
  /** A message arrived on exactly this topic. */
  isTopic = false
  retained = false
  /** Numeric fields the topic's payloads decode to (what a filter on field names sees). */
  fields: readonly string[] | null = null
  /**
   * The last payload's first bytes (all of it when short), for the one-line preview: one
   * character per byte, since a short string costs far less than a typed array per topic.
   */
  last: string | null = null
  lastSize = 0
  /** The Sparkplug B edge node or device this level stands for, when it is one. */
  sparkplug: TreeSparkplugState | null = null
  dirty = false

  constructor(
    readonly id: number,
    readonly parent: TopicNode | null,
    readonly name: string,
    readonly root: RootNode | null,
    private readonly times: NodeTimes
  ) {
    times.ensure(id)
  }

  get lastAt(): number {
    return this.times.lastAt[this.id]
  }

  /** Messages a second, decaying (see RATE_WINDOW_MS). */
  get rate(): number {
    return this.times.rate[this.id]
  }

  /** The full topic ('' for a connection root), rebuilt from the levels: it is seldom asked. */
  get topic(): string {
    const parent = this.parent
    if (!parent) return ''
    return parent.parent ? `${parent.topic}/${this.name}` : this.name
  }

  /** The preview bytes of the last payload. */
  get lastBytes(): Uint8Array | null {
    return this.last === null ? null : Uint8Array.from(this.last, (c) => c.charCodeAt(0))
  }

  get flags(): number {
    return (this.isTopic ? NODE_IS_TOPIC : 0) | (this.retained ? NODE_RETAINED : 0)
  }
}

export class RootNode extends TopicNode {
  readonly byTopic = new Map<string, TopicNode>()

  constructor(
    id: number,
    readonly profileId: string,
    public label: string,
    times: NodeTimes
  ) {
    super(id, null, label, null, times)
  }
}

const ZERO = new Float64Array(0)

/** Changed field names as columns, each distinct list (by identity: a decoder's own) once. */
function fieldColumns(
  nodes: readonly TopicNode[]
): Pick<TopicDelta, 'fieldIds' | 'fieldList' | 'fieldLists'> {
  const n = nodes.length
  const fieldIds = n ? new Float64Array(n) : ZERO
  const fieldList = n ? new Float64Array(n) : ZERO
  const fieldLists: string[][] = []
  const index = new Map<readonly string[], number>()
  for (let i = 0; i < n; i++) {
    const names = nodes[i].fields ?? NO_FIELDS
    let k = index.get(names)
    if (k === undefined) {
      k = fieldLists.push([...names]) - 1
      index.set(names, k)
    }
    fieldIds[i] = nodes[i].id
    fieldList[i] = k
  }
  return { fieldIds, fieldList, fieldLists }
}

const NO_FIELDS: readonly string[] = []

/** The length of a node's full topic (`node.topic.length`), from its levels. */
function topicLength(node: TopicNode): number {
  let length = -1
  for (let n: TopicNode | null = node; n?.parent; n = n.parent) length += n.name.length + 1
  return Math.max(0, length)
}

export class TopicTree {
  /** Every node by id (ids start at 0 and are never reused). */
  private readonly nodes: TopicNode[] = []
  private readonly times = new NodeTimes()
  private readonly roots = new Map<string, RootNode>()
  private chars = 0
  private seq = 0
  private refusedMessages = 0
  private dirty: TopicNode[] = []
  private created: TopicNode[] = []
  private fieldsChanged: TopicNode[] = []
  private sparkplugChanged: TopicNode[] = []
  private rootsChanged: RootNode[] = []

  constructor(
    private readonly maxNodes = MAX_TREE_NODES,
    private readonly maxChars = MAX_TREE_CHARS
  ) {}

  get size(): number {
    return this.nodes.length
  }

  /** Messages on topics the full tree could not take (counted, said in the panel). */
  get refused(): number {
    return this.refusedMessages
  }

  node(id: number): TopicNode | undefined {
    return this.nodes[id]
  }

  /** The root of a connection, made (or renamed) as needed. */
  root(profileId: string, label: string): RootNode {
    let root = this.roots.get(profileId)
    if (!root) {
      root = new RootNode(this.nodes.length, profileId, label, this.times)
      this.nodes.push(root)
      this.roots.set(profileId, root)
      this.created.push(root)
      this.rootsChanged.push(root)
    } else if (root.label !== label) {
      root.label = label
      this.rootsChanged.push(root)
    }
    return root
  }

  rootOf(profileId: string): RootNode | undefined {
    return this.roots.get(profileId)
  }

  find(root: RootNode, topic: string): TopicNode | undefined {
    return root.byTopic.get(topic)
  }

  /**
   * Counts one message on `topic`; null (and counted as refused) when the tree is full.
   * Every node from the topic up to the root takes the message in its figures.
   */
  record(root: RootNode, topic: string, at: number, retained: boolean): TopicNode | null {
    const node = root.byTopic.get(topic) ?? this.insert(root, topic)
    if (!node) {
      this.refusedMessages++
      return null
    }
    if (!node.isTopic) {
      node.isTopic = true
      for (let n: TopicNode | null = node; n; n = n.parent) n.topics++
    }
    node.retained = retained
    const { lastAt, rate } = this.times
    for (let n: TopicNode | null = node; n; n = n.parent) {
      const id = n.id
      n.messages++
      rate[id] =
        rate[id] * Math.exp(-Math.max(0, at - lastAt[id]) / RATE_WINDOW_MS) + 1000 / RATE_WINDOW_MS
      lastAt[id] = at
      if (!n.dirty) {
        n.dirty = true
        this.dirty.push(n)
      }
    }
    return node
  }

  /** Keeps the head of the topic's last payload. */
  setLast(node: TopicNode, payload: Uint8Array): void {
    const head = payload.subarray(0, Math.min(payload.byteLength, PREVIEW_BYTES))
    // apply takes the bytes as they are (a spread would walk an iterator per byte).
    node.last = String.fromCharCode.apply(null, head as unknown as number[])
    node.lastSize = payload.byteLength
  }

  /** The topic's decoded field names changed (the decoder reuses one array per field list). */
  setFields(node: TopicNode, fields: readonly string[] | undefined): void {
    if (!fields || fields === node.fields) return
    const same =
      node.fields !== null &&
      node.fields.length === fields.length &&
      node.fields.every((f, i) => f === fields[i])
    node.fields = fields
    if (!same) this.fieldsChanged.push(node)
  }

  /** The Sparkplug state of the edge node or device a node stands for; sent when it changed. */
  setSparkplug(node: TopicNode, status: TreeSparkplugState['status'], seqGaps: number): void {
    const known = node.sparkplug
    if (known && known.status === status && known.seqGaps === seqGaps) return
    node.sparkplug = { id: node.id, status, seqGaps }
    this.sparkplugChanged.push(node)
  }

  /** Everything changed since the last call, for the UI; null when nothing did. */
  drain(now: number): TopicDelta | null {
    if (
      this.dirty.length === 0 &&
      this.created.length === 0 &&
      this.fieldsChanged.length === 0 &&
      this.sparkplugChanged.length === 0 &&
      this.rootsChanged.length === 0
    )
      return null
    const delta = this.encode(
      this.dirty,
      this.created,
      this.fieldsChanged,
      this.sparkplugChanged,
      this.rootsChanged,
      { seq: ++this.seq, now, full: false }
    )
    for (const n of this.dirty) n.dirty = false
    this.dirty = []
    this.created = []
    this.fieldsChanged = []
    this.sparkplugChanged = []
    this.rootsChanged = []
    return delta
  }

  /** The whole tree, as of the last delta plus whatever changed since (values are absolute). */
  snapshot(now: number): TopicDelta {
    const withFields = this.nodes.filter((n) => n.fields !== null)
    const withState = this.nodes.filter((n) => n.sparkplug !== null)
    return this.encode(this.nodes, this.nodes, withFields, withState, [...this.roots.values()], {
      seq: this.seq,
      now,
      full: true
    })
  }

  /** Every topic node below `node` (itself included), depth first. */
  topicsBelow(node: TopicNode, limit: number): TopicNode[] {
    const out: TopicNode[] = []
    const stack: TopicNode[] = [node]
    while (stack.length > 0 && out.length < limit) {
      const n = stack.pop()!
      if (n.isTopic) out.push(n)
      if (n.children) for (const c of n.children.values()) stack.push(c)
    }
    return out
  }

  private insert(root: RootNode, topic: string): TopicNode | null {
    let levels = topic.split('/')
    if (levels.length > MAX_TREE_DEPTH)
      levels = [...levels.slice(0, MAX_TREE_DEPTH - 1), levels.slice(MAX_TREE_DEPTH - 1).join('/')]
    // Walk what exists; add the rest only if all of it fits.
    let node: TopicNode = root
    let i = 0
    for (; i < levels.length; i++) {
      const child = node.children?.get(levels[i])
      if (!child) break
      node = child
    }
    const missing = levels.length - i
    // Each new node's full topic counts against the character budget (no string is built).
    let prefixLength = topicLength(node)
    let addedChars = 0
    for (let j = i; j < levels.length; j++) {
      prefixLength = j === 0 ? levels[0].length : prefixLength + 1 + levels[j].length
      addedChars += prefixLength
    }
    if (this.nodes.length + missing > this.maxNodes || this.chars + addedChars > this.maxChars)
      return null
    this.chars += addedChars
    for (; i < levels.length; i++) {
      const child = new TopicNode(this.nodes.length, node, levels[i], root, this.times)
      this.nodes.push(child)
      this.created.push(child)
      node.children ??= new Map()
      node.children.set(levels[i], child)
      node = child
    }
    root.byTopic.set(topic, node)
    return node
  }

  private encode(
    changed: readonly TopicNode[],
    created: readonly TopicNode[],
    fields: readonly TopicNode[],
    sparkplug: readonly TopicNode[],
    roots: readonly RootNode[],
    head: Pick<TopicDelta, 'seq' | 'now' | 'full'>
  ): TopicDelta {
    const n = changed.length
    const ids = n ? new Float64Array(n) : ZERO
    const messages = n ? new Float64Array(n) : ZERO
    const topics = n ? new Float64Array(n) : ZERO
    const lastAt = n ? new Float64Array(n) : ZERO
    const rate = n ? new Float64Array(n) : ZERO
    const flags = n ? new Float64Array(n) : ZERO
    for (let i = 0; i < n; i++) {
      const node = changed[i]
      ids[i] = node.id
      messages[i] = node.messages
      topics[i] = node.topics
      lastAt[i] = node.lastAt
      rate[i] = node.rate
      flags[i] = node.flags
    }
    const c = created.length
    const newIds = c ? new Float64Array(c) : ZERO
    const newParents = c ? new Float64Array(c) : ZERO
    const newNames = new Array<string>(c)
    for (let i = 0; i < c; i++) {
      newIds[i] = created[i].id
      newParents[i] = created[i].parent?.id ?? -1
      newNames[i] = created[i].name
    }
    return {
      ...head,
      roots: roots.map((r) => ({ id: r.id, profileId: r.profileId, name: r.label })),
      newIds,
      newParents,
      newNames,
      ids,
      messages,
      topics,
      lastAt,
      rate,
      flags,
      ...fieldColumns(fields),
      sparkplug: sparkplug.map((n) => ({ ...n.sparkplug! })),
      refused: this.refusedMessages
    }
  }
}
