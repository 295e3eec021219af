// Which tree nodes stand for a Sparkplug B edge node or device, and their state as the
// connection's SparkplugState (written by the decoders) has it. The edge node is the level
// `spBv1.0/<group>/<type>/<edge node>` under every message type it used, the device the level
// below it; a DEATH changes levels that received nothing, so every marked node of a connection
// is read again whenever its state's version moved.
import type { SparkplugState } from '../decode'
import { parseSparkplugTopic, SPARKPLUG_NAMESPACE } from '../decode/sparkplug/sparkplug-topic'
import type { RootNode, TopicNode } from './topic-node'
import type { TopicTree } from './topic-tree'

/** The topics Sparkplug B marks look at. */
const PREFIX = `${SPARKPLUG_NAMESPACE}/`

/** One edge node or device and the tree levels that stand for it (one per message type). */
interface Entity {
  group: string
  edgeNode: string
  device?: string
  nodes: TopicNode[]
}

interface RootMarks {
  /** The state last read, and its version then (a reconnect brings a new state). */
  state: SparkplugState | undefined
  version: number
  entities: Map<string, Entity>
  ids: Set<number>
}

export class SparkplugMarks {
  private readonly roots = new Map<RootNode, RootMarks>()

  constructor(
    private readonly tree: TopicTree,
    private readonly stateOf: (profileId: string) => SparkplugState | undefined
  ) {}

  /** A message arrived on `node` (topic `topic`): marks its edge node and device levels. */
  seen(root: RootNode, node: TopicNode, topic: string): void {
    if (!topic.startsWith(PREFIX)) return
    let marks = this.roots.get(root)
    // Known levels return here before the topic is parsed.
    if (marks?.ids.has(node.id)) return
    const parsed = parseSparkplugTopic(topic)
    if (typeof parsed === 'string' || parsed.kind !== 'edge') return
    if (!marks) {
      marks = { state: undefined, version: -1, entities: new Map(), ids: new Set() }
      this.roots.set(root, marks)
    }
    const { group, edgeNode, device } = parsed
    const edgeLevel = device === undefined ? node : node.parent
    if (edgeLevel) this.mark(marks, edgeLevel, group, edgeNode)
    if (device !== undefined) this.mark(marks, node, group, edgeNode, device)
  }

  /** Brings every marked node's state up to date in the tree (changes go in the next delta). */
  refresh(): void {
    for (const [root, marks] of this.roots) {
      const state = this.stateOf(root.profileId)
      if (!state) continue
      if (state === marks.state && state.version === marks.version) continue
      marks.state = state
      marks.version = state.version
      for (const e of marks.entities.values()) {
        const view = state.entity(e.group, e.edgeNode, e.device)
        const status = view?.status ?? 'unknown'
        const gaps = view?.seqGaps ?? 0
        for (const node of e.nodes) this.tree.setSparkplug(node, status, gaps)
      }
    }
  }

  private mark(
    marks: RootMarks,
    node: TopicNode,
    group: string,
    edgeNode: string,
    device?: string
  ): void {
    if (marks.ids.has(node.id)) return
    marks.ids.add(node.id)
    const key =
      device === undefined
        ? `${group}\u0000${edgeNode}`
        : `${group}\u0000${edgeNode}\u0000${device}`
    let entity = marks.entities.get(key)
    if (!entity) marks.entities.set(key, (entity = { group, edgeNode, device, nodes: [] }))
    entity.nodes.push(node)
    marks.version = -1
  }
}
