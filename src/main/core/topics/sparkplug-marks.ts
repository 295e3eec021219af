// Which tree nodes stand for a Sparkplug B edge node or device, and their state as the
// connection's SparkplugState (written by the decoders) has it. The edge node is the level
// `spBv1.0/<group>/<type>/<edge node>` under every message type it used, the device the level
// below it; a DEATH changes levels that received nothing, so every marked node of a connection
// is read again whenever its state's version moved.
import type { SparkplugState } from '../decode'
import { parseSparkplugTopic, SPARKPLUG_NAMESPACE } from '../decode/sparkplug/sparkplug-topic'
import type { RootNode, TopicNode, TopicTree } from './topic-tree'

interface Marked {
  node: TopicNode
  group: string
  edgeNode: string
  device?: string
}

interface RootMarks {
  /** The state last read, and its version then (a reconnect brings a new state). */
  state: SparkplugState | undefined
  version: number
  marked: Marked[]
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
    if (!topic.startsWith(`${SPARKPLUG_NAMESPACE}/`)) return
    const parsed = parseSparkplugTopic(topic)
    if (typeof parsed === 'string' || parsed.kind !== 'edge') return
    let marks = this.roots.get(root)
    if (!marks)
      this.roots.set(root, (marks = { state: undefined, version: -1, marked: [], ids: new Set() }))
    const { group, edgeNode, device } = parsed
    const edgeLevel = device === undefined ? node : node.parent
    if (edgeLevel) this.mark(marks, { node: edgeLevel, group, edgeNode })
    if (device !== undefined) this.mark(marks, { node, group, edgeNode, device })
  }

  /** Brings every marked node's state up to date in the tree (changes go in the next delta). */
  refresh(): void {
    for (const [root, marks] of this.roots) {
      const state = this.stateOf(root.profileId)
      if (!state) continue
      if (state === marks.state && state.version === marks.version) continue
      marks.state = state
      marks.version = state.version
      for (const m of marks.marked) {
        const entity = state.entity(m.group, m.edgeNode, m.device)
        this.tree.setSparkplug(m.node, entity?.status ?? 'unknown', entity?.seqGaps ?? 0)
      }
    }
  }

  private mark(marks: RootMarks, m: Marked): void {
    if (marks.ids.has(m.node.id)) return
    marks.ids.add(m.node.id)
    marks.marked.push(m)
    marks.version = -1
  }
}
