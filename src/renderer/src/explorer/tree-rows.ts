// The tree as the list of rows on screen: depth first through expanded nodes (under a
// filter, through nodes with matches, expanded unless the user closed them), with what a
// screen reader needs per row (level, position among siblings, how many siblings).
import { MATCH_BELOW, type FilterResult } from './tree-filter'
import type { TopicMirror } from './topic-mirror'
import { naturalCompare } from './natural-compare'

export interface TreeRows {
  length: number
  ids: Int32Array
  /** aria-level: 1 for a connection. */
  level: Uint8Array
  posInSet: Int32Array
  setSize: Int32Array
}

export const EMPTY_ROWS: TreeRows = {
  length: 0,
  ids: new Int32Array(0),
  level: new Uint8Array(0),
  posInSet: new Int32Array(0),
  setSize: new Int32Array(0)
}

export interface Expansion {
  /** Nodes the user opened (no filter). */
  open: ReadonlySet<number>
  /** Nodes the user closed while a filter shows its matches opened. */
  closedUnderFilter: ReadonlySet<number>
}

/** A filter with up to this many matches opens every branch that leads to one. */
export const OPEN_MATCHES_LIMIT = 2000

/** Whether a filter shows its matches opened (a few) or leaves opening to the user (many). */
export function opensAll(filter: FilterResult | null): filter is FilterResult {
  return filter !== null && filter.matchCount <= OPEN_MATCHES_LIMIT
}

export function isExpanded(id: number, e: Expansion, filter: FilterResult | null): boolean {
  return opensAll(filter) ? !e.closedUnderFilter.has(id) : e.open.has(id)
}

/** Children shown under a node: all of them, or those with matches under a filter. */
export function shownChildren(
  mirror: TopicMirror,
  id: number,
  filter: FilterResult | null
): readonly number[] {
  const all = mirror.childrenOf(id)
  return filter ? all.filter((c) => filter.mark[c] !== 0) : all
}

/** Whether a node has children to show (it gets an expand/collapse control). */
export function canExpand(mirror: TopicMirror, id: number, filter: FilterResult | null): boolean {
  if (!filter) return mirror.hasChildren(id)
  return (filter.mark[id] & MATCH_BELOW) !== 0
}

export function buildRows(
  mirror: TopicMirror,
  expansion: Expansion,
  filter: FilterResult | null
): TreeRows {
  let cap = 1024
  let ids = new Int32Array(cap)
  let level = new Uint8Array(cap)
  let posInSet = new Int32Array(cap)
  let setSize = new Int32Array(cap)
  let n = 0
  const push = (id: number, lvl: number, pos: number, size: number): void => {
    if (n === cap) {
      cap *= 2
      const i2 = new Int32Array(cap)
      const l2 = new Uint8Array(cap)
      const p2 = new Int32Array(cap)
      const s2 = new Int32Array(cap)
      i2.set(ids)
      l2.set(level)
      p2.set(posInSet)
      s2.set(setSize)
      ids = i2
      level = l2
      posInSet = p2
      setSize = s2
    }
    ids[n] = id
    level[n] = Math.min(255, lvl)
    posInSet[n] = pos
    setSize[n] = size
    n++
  }
  const roots = mirror.roots
    .map((r) => r.id)
    .filter((id) => !filter || filter.mark[id] !== 0)
    .sort((a, b) => naturalCompare(mirror.names[a], mirror.names[b]))
  // An explicit stack of sibling lists: deep trees never overflow the call stack.
  const stack: { list: readonly number[]; i: number; lvl: number }[] = [
    { list: roots, i: 0, lvl: 1 }
  ]
  while (stack.length > 0) {
    const top = stack[stack.length - 1]
    if (top.i >= top.list.length) {
      stack.pop()
      continue
    }
    const id = top.list[top.i++]
    push(id, top.lvl, top.i, top.list.length)
    if (canExpand(mirror, id, filter) && isExpanded(id, expansion, filter)) {
      stack.push({ list: shownChildren(mirror, id, filter), i: 0, lvl: top.lvl + 1 })
    }
  }
  return { length: n, ids, level, posInSet, setSize }
}

/** The row index of a node, or -1 when it is not on screen (a closed parent). */
export function rowOf(rows: TreeRows, id: number): number {
  for (let i = 0; i < rows.length; i++) if (rows.ids[i] === id) return i
  return -1
}
