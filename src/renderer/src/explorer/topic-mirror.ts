// The renderer's copy of the core's topic tree: figures in typed arrays by node id, names
// and children in plain arrays, outside React state. Loaded from a snapshot, then kept up to
// date by the core's deltas; listeners hear at most once per applied delta.
import {
  NODE_IS_TOPIC,
  NODE_RETAINED,
  type TopicDelta,
  type TreeSparkplugState
} from '../../../shared/topic-types'
import { naturalCompare } from './natural-compare'

export interface RootInfo {
  id: number
  profileId: string
  name: string
}

/** `a`, or a copy with room for at least `n` entries (doubling, from 1024). */
export function grow<T extends Float64Array | Int32Array | Uint8Array>(a: T, n: number): T {
  if (n <= a.length) return a
  let size = Math.max(1024, a.length)
  while (size < n) size *= 2
  const next = new (a.constructor as new (n: number) => T)(size)
  next.set(a)
  return next
}

/** Per node in TopicMirror.sparkplug: what it stands for is not a Sparkplug node or device. */
export const SPARKPLUG_NONE = 0
const SPARKPLUG_STATUS: TreeSparkplugState['status'][] = ['unknown', 'online', 'offline']

export class TopicMirror {
  parent = new Int32Array(0)
  depth = new Uint8Array(0)
  messages = new Float64Array(0)
  topics = new Float64Array(0)
  lastAt = new Float64Array(0)
  rate = new Float64Array(0)
  flags = new Uint8Array(0)
  /** Sparkplug edge node or device state: SPARKPLUG_NONE, else 1 + its index in the statuses. */
  sparkplug = new Uint8Array(0)
  /** Seq gaps counted for a Sparkplug edge node. */
  seqGaps = new Float64Array(0)
  /** Per node: `filterCounter` when what a filter looks at (field names, being a topic) changed. */
  filterSeq = new Int32Array(0)
  filterCounter = 0
  names: string[] = []
  fields: (readonly string[] | undefined)[] = []
  /** Node ids in id order up to `count`. */
  count = 0
  roots: RootInfo[] = []
  /** Messages the core's full tree could not take. */
  refused = 0
  /** Core clock minus ours, from the latest delta: ages are measured on the core's clock. */
  clockOffset = 0
  /** Bumps when nodes are added (rows may change). */
  structureVersion = 0
  /** Bumps when any figure changes. */
  version = 0
  loaded = false
  private seq = -1
  private children: (number[] | undefined)[] = []
  private unsorted: (number[] | undefined)[] = []
  private topicNames: (string | undefined)[] = []
  private lowerTopics: (string | undefined)[] = []
  private pending: TopicDelta[] = []
  private changed = new Set<number>()
  private readonly listeners = new Set<() => void>()

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The whole tree; deltas that arrived before it and are already in it are skipped. */
  load(snapshot: TopicDelta): void {
    this.reset()
    this.applyOne(snapshot)
    this.loaded = true
    const waiting = this.pending
    this.pending = []
    for (const d of waiting) if (d.seq > this.seq) this.applyOne(d)
    this.notify()
  }

  /**
   * A delta; held back until the snapshot is loaded. One that skips a seq means a delta was
   * lost on the way (a new node with it): `onGap` then asks for a fresh snapshot.
   */
  apply(delta: TopicDelta): void {
    if (!this.loaded) {
      // Bounded: only the deltas of one snapshot round trip wait here.
      if (this.pending.length < 1000) this.pending.push(delta)
      return
    }
    if (delta.seq <= this.seq && !delta.full) return
    if (delta.seq > this.seq + 1 && !delta.full) {
      this.unload()
      this.gap?.()
      return
    }
    this.applyOne(delta)
    this.notify()
  }

  private gap: (() => void) | null = null

  /** `load` is called when a delta was missed (whoever loads snapshots sets it). */
  onGap(load: (() => void) | null): void {
    this.gap = load
  }

  /** Forgets everything until the next snapshot (the panel was hidden, or a delta lost). */
  unload(): void {
    this.loaded = false
    this.pending = []
    this.reset()
    this.notify()
  }

  isTopic(id: number): boolean {
    return (this.flags[id] & NODE_IS_TOPIC) !== 0
  }

  isRetained(id: number): boolean {
    return (this.flags[id] & NODE_RETAINED) !== 0
  }

  hasChildren(id: number): boolean {
    return (this.children[id]?.length ?? 0) + (this.unsorted[id]?.length ?? 0) > 0
  }

  /** The state of the Sparkplug edge node or device a node stands for, when it is one. */
  sparkplugOf(id: number): TreeSparkplugState | undefined {
    const code = this.sparkplug[id]
    if (code === SPARKPLUG_NONE || code === undefined) return undefined
    return { id, status: SPARKPLUG_STATUS[code - 1], seqGaps: this.seqGaps[id] }
  }

  /** Children sorted by name, numbers in names by value (dev2 before dev10). */
  childrenOf(id: number): readonly number[] {
    const fresh = this.unsorted[id]
    if (fresh) {
      const byName = (a: number, b: number): number => naturalCompare(this.names[a], this.names[b])
      fresh.sort(byName)
      const old = this.children[id] ?? []
      // Merge: the sorted list grows by the few new names of each delta, not re-sorted whole.
      const merged = new Array<number>(old.length + fresh.length)
      let i = 0
      let j = 0
      let k = 0
      while (i < old.length && j < fresh.length)
        merged[k++] = byName(old[i], fresh[j]) <= 0 ? old[i++] : fresh[j++]
      while (i < old.length) merged[k++] = old[i++]
      while (j < fresh.length) merged[k++] = fresh[j++]
      this.children[id] = merged
      this.unsorted[id] = undefined
    }
    return this.children[id] ?? []
  }

  /** The full topic of a node ('' for a connection root). */
  topicOf(id: number): string {
    let t = this.topicNames[id]
    if (t === undefined) {
      const p = this.parent[id]
      if (p < 0) t = ''
      else if (this.parent[p] < 0) t = this.names[id]
      else t = `${this.topicOf(p)}/${this.names[id]}`
      this.topicNames[id] = t
    }
    return t
  }

  /** The topic in lower case, made as the node arrives so a filter finds it ready. */
  lowerTopicOf(id: number): string {
    return this.lowerTopics[id] ?? ''
  }

  /** Every child, in no particular order (cheaper than childrenOf where order is not seen). */
  eachChild(id: number, fn: (child: number) => void): void {
    const sorted = this.children[id]
    if (sorted) for (let i = 0; i < sorted.length; i++) fn(sorted[i])
    const fresh = this.unsorted[id]
    if (fresh) for (let i = 0; i < fresh.length; i++) fn(fresh[i])
  }

  rootOf(id: number): RootInfo | undefined {
    let n = id
    while (this.parent[n] >= 0) n = this.parent[n]
    return this.roots.find((r) => r.id === n)
  }

  /** Messages received on exactly this topic (not below it). */
  ownMessages(id: number): number {
    const sorted = this.children[id]
    const fresh = this.unsorted[id]
    if (!sorted && !fresh) return this.messages[id]
    let below = 0
    if (sorted) for (let i = 0; i < sorted.length; i++) below += this.messages[sorted[i]]
    if (fresh) for (let i = 0; i < fresh.length; i++) below += this.messages[fresh[i]]
    return this.messages[id] - below
  }

  /** The core's clock now, by our clock and the latest offset. */
  coreNow(): number {
    return Date.now() + this.clockOffset
  }

  /** Nodes whose figures changed since the last call (for refreshing previews on screen). */
  takeChanged(): Set<number> {
    const out = this.changed
    this.changed = new Set()
    return out
  }

  private reset(): void {
    this.parent = new Int32Array(0)
    this.depth = new Uint8Array(0)
    this.messages = new Float64Array(0)
    this.topics = new Float64Array(0)
    this.lastAt = new Float64Array(0)
    this.rate = new Float64Array(0)
    this.flags = new Uint8Array(0)
    this.sparkplug = new Uint8Array(0)
    this.seqGaps = new Float64Array(0)
    this.filterSeq = new Int32Array(0)
    this.count = 0
    this.roots = []
    this.names = []
    this.fields = []
    this.children = []
    this.unsorted = []
    this.topicNames = []
    this.lowerTopics = []
    this.filterCounter = 0
    this.changed = new Set()
    this.seq = -1
    this.structureVersion++
  }

  private applyOne(d: TopicDelta): void {
    this.seq = d.seq
    this.refused = d.refused
    this.clockOffset = d.now - Date.now()
    const created = d.newIds.length
    if (created > 0) {
      const max = d.newIds[created - 1] + 1
      this.ensure(Math.max(max, this.count))
      for (let i = 0; i < created; i++) {
        const id = d.newIds[i]
        const parent = d.newParents[i]
        if (this.names[id] !== undefined && id < this.count) continue // already known
        this.names[id] = d.newNames[i]
        this.parent[id] = parent
        this.depth[id] = parent < 0 ? 0 : this.depth[parent] + 1
        if (parent >= 0) (this.unsorted[parent] ??= []).push(id)
        // toLowerCase gives a flat string: the first filter need not flatten 100,000 ropes.
        const above = parent < 0 ? undefined : this.lowerTopics[parent]
        this.lowerTopics[id] =
          parent < 0 ? '' : (above ? `${above}/${d.newNames[i]}` : d.newNames[i]).toLowerCase()
        this.count = Math.max(this.count, id + 1)
      }
      this.structureVersion++
    }
    for (const r of d.roots) {
      const known = this.roots.find((x) => x.id === r.id)
      if (known) known.name = r.name
      else this.roots.push({ ...r })
      this.names[r.id] = r.name
      this.structureVersion++
    }
    const n = d.ids.length
    for (let i = 0; i < n; i++) {
      const id = d.ids[i]
      if (id >= this.count) continue
      this.messages[id] = d.messages[i]
      this.topics[id] = d.topics[i]
      this.lastAt[id] = d.lastAt[i]
      this.rate[id] = d.rate[i]
      if (this.flags[id] !== d.flags[i]) {
        // Becoming a topic can change what a filter matches.
        if ((this.flags[id] ^ d.flags[i]) & NODE_IS_TOPIC) {
          this.structureVersion++
          this.filterSeq[id] = ++this.filterCounter
        }
        this.flags[id] = d.flags[i]
      }
      this.changed.add(id)
    }
    for (const sp of d.sparkplug) {
      if (sp.id >= this.count) continue
      this.sparkplug[sp.id] = 1 + SPARKPLUG_STATUS.indexOf(sp.status)
      this.seqGaps[sp.id] = sp.seqGaps
      this.changed.add(sp.id)
    }
    for (let i = 0; i < d.fieldIds.length; i++) {
      const id = d.fieldIds[i]
      if (id >= this.count) continue
      this.fields[id] = d.fieldLists[d.fieldList[i]] ?? []
      this.filterSeq[id] = ++this.filterCounter
      this.structureVersion++
    }
    this.version++
  }

  private ensure(n: number): void {
    this.parent = grow(this.parent, n)
    this.depth = grow(this.depth, n)
    this.messages = grow(this.messages, n)
    this.topics = grow(this.topics, n)
    this.lastAt = grow(this.lastAt, n)
    this.rate = grow(this.rate, n)
    this.flags = grow(this.flags, n)
    this.sparkplug = grow(this.sparkplug, n)
    this.seqGaps = grow(this.seqGaps, n)
    this.filterSeq = grow(this.filterSeq, n)
  }

  private notify(): void {
    for (const l of this.listeners) l()
  }
}
