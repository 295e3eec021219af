// The tree of every topic seen, one root per connection, levels split on '/'. Each node
// keeps figures for itself and everything below it; what changed is collected for the next
// delta to the UI. Bounded: a fixed number of nodes and of topic characters.
import {
  MAX_TREE_NODES,
  RATE_WINDOW_MS,
  type TopicDelta,
  type TreeSparkplugState
} from '../../../shared/topic-types'
import { NodeColumns, RootNode, SHORT_PREVIEW, TopicNode } from './topic-node'

/** Characters of topic names the tree holds at most (a hostile broker's 64 KB topics). */
export const MAX_TREE_CHARS = 32 * 1024 * 1024
/** Bytes of each topic's last payload kept for its preview (a sensor's payload whole). */
export const PREVIEW_BYTES = 256
/** Levels of one topic; deeper levels are kept together in the last node. */
export const MAX_TREE_DEPTH = 64

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

function sameChars(text: string, bytes: Uint8Array): boolean {
  if (text.length !== bytes.length) return false
  for (let i = 0; i < bytes.length; i++) if (text.charCodeAt(i) !== bytes[i]) return false
  return true
}

/**
 * Where the topic's own level starts (the index of the '/' before it; -1 for one level): its
 * last '/', except that levels past MAX_TREE_DEPTH stay together in the deepest node.
 */
function ownLevelCut(topic: string): number {
  let slashes = 0
  let cut = -1
  for (let i = topic.indexOf('/'); i >= 0; i = topic.indexOf('/', i + 1)) {
    if (++slashes === MAX_TREE_DEPTH) return cut
    cut = i
  }
  return cut
}

export class TopicTree {
  /** Every node by id (ids start at 0 and are never reused). */
  private readonly nodes: TopicNode[] = []
  private readonly columns = new NodeColumns()
  private readonly roots = new Map<string, RootNode>()
  private chars = 0
  private seq = 0
  private refusedMessages = 0
  private dirty: TopicNode[] = []
  private created: TopicNode[] = []
  private fieldsChanged: TopicNode[] = []
  private sparkplugChanged: TopicNode[] = []
  /** The Sparkplug B edge node or device a node stands for, by node id (few nodes are one). */
  private readonly sparkplug = new Map<number, TreeSparkplugState>()
  private rootsChanged: RootNode[] = []
  /** The full topics of the levels insert() is adding (reused). */
  private readonly missing: string[] = []

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
      this.columns.ensure(this.nodes.length)
      root = new RootNode(this.nodes.length, profileId, label, this.columns)
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

  /** The node of a topic that had messages (levels without any are not topics). */
  find(root: RootNode, topic: string): TopicNode | undefined {
    const node = root.byTopic.get(topic)
    return node?.isTopic ? node : undefined
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
    const { lastAt, rate } = this.columns
    for (let n: TopicNode | null = node; n; n = n.parent) {
      const id = n.id
      n.messages++
      // Upper levels often take several messages in one millisecond: no decay to work out.
      const dt = at - lastAt[id]
      rate[id] =
        (dt > 0 ? rate[id] * Math.exp(-dt / RATE_WINDOW_MS) : rate[id]) + 1000 / RATE_WINDOW_MS
      lastAt[id] = at
      if (!n.dirty) {
        n.dirty = true
        this.dirty.push(n)
      }
    }
    return node
  }

  /**
   * Keeps the head of the topic's last payload: a short one in the node's slot, a longer one
   * as a string (the same string while the bytes repeat).
   */
  setLast(node: TopicNode, payload: Uint8Array): void {
    const size = payload.byteLength
    this.columns.size[node.id] = size
    if (size <= SHORT_PREVIEW) {
      this.columns.short.set(payload, node.id * SHORT_PREVIEW)
      node.last = null
      return
    }
    const head = size <= PREVIEW_BYTES ? payload : payload.subarray(0, PREVIEW_BYTES)
    if (node.last !== null && sameChars(node.last, head)) return
    // apply takes the bytes as they are (a spread would walk an iterator per byte).
    node.last = String.fromCharCode.apply(null, head as unknown as number[])
  }

  /** The preview bytes of the topic's last payload (null: none, or it was empty). */
  lastBytes(node: TopicNode): Uint8Array | null {
    if (node.lastSize === 0) return null
    if (node.last !== null) return Uint8Array.from(node.last, (c) => c.charCodeAt(0))
    const at = node.id * SHORT_PREVIEW
    return this.columns.short.slice(at, at + Math.min(node.lastSize, SHORT_PREVIEW))
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
    const known = this.sparkplug.get(node.id)
    if (known && known.status === status && known.seqGaps === seqGaps) return
    this.sparkplug.set(node.id, { id: node.id, status, seqGaps })
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
    const withState = this.nodes.filter((n) => this.sparkplug.has(n.id))
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
      for (let c = n.firstChild; c; c = c.nextSibling) stack.push(c)
    }
    return out
  }

  /**
   * Adds the topic's node and whatever levels above it are missing, found by their full topic
   * (one lookup for the parent instead of one per level); only if all of it fits.
   */
  private insert(root: RootNode, topic: string): TopicNode | null {
    const paths = this.missing
    paths.length = 0
    let parent: TopicNode = root
    let path = topic
    for (let cut = ownLevelCut(topic); ; cut = path.lastIndexOf('/')) {
      paths.push(path)
      if (cut < 0) break
      path = path.slice(0, cut)
      const found = root.byTopic.get(path)
      if (found) {
        parent = found
        break
      }
    }
    // Each new node's full topic counts against the character budget.
    let addedChars = 0
    for (let k = 0; k < paths.length; k++) addedChars += paths[k].length
    if (this.nodes.length + paths.length > this.maxNodes || this.chars + addedChars > this.maxChars)
      return null
    this.chars += addedChars
    for (let k = paths.length - 1; k >= 0; k--) {
      const full = paths[k]
      const id = this.nodes.length
      this.columns.ensure(id)
      const child = new TopicNode(id, parent, full, root)
      child.nextSibling = parent.firstChild
      parent.firstChild = child
      this.nodes.push(child)
      this.created.push(child)
      root.byTopic.set(full, child)
      parent = child
    }
    paths.length = 0
    return parent
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
      sparkplug: sparkplug.map((n) => ({ ...this.sparkplug.get(n.id)! })),
      refused: this.refusedMessages
    }
  }
}
