// What the tree panel shows, outside React: the filter and its result, which nodes are
// open, the rows, and the active (selected) row. The component reads it when it draws.
import {
  buildRows,
  canExpand,
  EMPTY_ROWS,
  isExpanded,
  opensAll,
  rowOf,
  type TreeRows
} from './tree-rows'
import {
  compileFilter,
  countFiltered,
  narrowFilter,
  runFilter,
  type FilterResult
} from './tree-filter'
import type { TopicMirror } from './topic-mirror'

export class TreeViewModel {
  filterText = ''
  filter: FilterResult | null = null
  rows: TreeRows = EMPTY_ROWS
  /** The selected node (the inspector shows it), -1 for none. */
  active = -1
  /** How long the last filter change took to give its rows, ms. */
  lastFilterMs = 0
  private readonly open = new Set<number>()
  private closedUnderFilter = new Set<number>()
  private builtAt = -1
  private filteredAt = -1
  private seenRoots = new Set<number>()
  /** The result shown before the current one: the next keystroke's result reuses its arrays. */
  private spare: FilterResult | null = null

  constructor(readonly mirror: TopicMirror) {}

  get expansion() {
    return { open: this.open, closedUnderFilter: this.closedUnderFilter }
  }

  /** True when the rows no longer match the mirror's nodes. */
  get stale(): boolean {
    return this.builtAt !== this.mirror.structureVersion
  }

  setFilter(text: string): void {
    const start = performance.now()
    this.filterText = text
    const compiled = compileFilter(text)
    const before = this.filter
    const narrower =
      compiled.kind === 'text' &&
      before?.filter.kind === 'text' &&
      compiled.needle.includes(before.filter.needle) &&
      before.mark.length >= this.mirror.count
    const spare = this.spare
    this.filter =
      compiled.kind === 'none'
        ? null
        : narrower
          ? runFilter(this.mirror, compiled, narrowFilter(this.mirror, compiled, before, spare))
          : runFilter(this.mirror, compiled, undefined, spare)
    this.spare = before
    this.filteredAt = this.mirror.structureVersion
    this.closedUnderFilter = new Set()
    this.rebuild()
    this.lastFilterMs = performance.now() - start
  }

  /** Rebuilds the rows (and extends the filter to new nodes). */
  rebuild(): void {
    for (const r of this.mirror.roots) {
      // A connection starts open.
      if (!this.seenRoots.has(r.id)) {
        this.seenRoots.add(r.id)
        this.open.add(r.id)
      }
    }
    if (this.filter && this.filteredAt !== this.mirror.structureVersion)
      this.filter = runFilter(this.mirror, this.filter.filter, this.filter)
    this.filteredAt = this.mirror.structureVersion
    this.rows = buildRows(this.mirror, this.expansion, this.filter)
    this.builtAt = this.mirror.structureVersion
  }

  /** Sums the counts under the filter if the mirror moved on. */
  refreshCounts(): void {
    if (this.filter) countFiltered(this.mirror, this.filter)
  }

  /** Messages and topics at or below a node, as the filter counts them. */
  figures(id: number): { messages: number; topics: number } {
    if (this.filter && !this.filter.all)
      return { messages: this.filter.messages[id], topics: this.filter.topics[id] }
    return { messages: this.mirror.messages[id], topics: this.mirror.topics[id] }
  }

  expandable(id: number): boolean {
    return canExpand(this.mirror, id, this.filter)
  }

  expanded(id: number): boolean {
    return this.expandable(id) && isExpanded(id, this.expansion, this.filter)
  }

  setExpanded(id: number, on: boolean): void {
    if (opensAll(this.filter)) {
      if (on) this.closedUnderFilter.delete(id)
      else this.closedUnderFilter.add(id)
    } else if (on) this.open.add(id)
    else this.open.delete(id)
    this.rebuild()
  }

  /** Opens every node from the root down to `id`, so it has a row. */
  reveal(id: number): void {
    for (let p = this.mirror.parent[id]; p >= 0; p = this.mirror.parent[p]) {
      this.open.add(p)
      this.closedUnderFilter.delete(p)
    }
    this.rebuild()
  }

  activeRow(): number {
    return this.active < 0 ? -1 : rowOf(this.rows, this.active)
  }

  /** Moves the active row; returns the new row index. */
  moveTo(row: number): number {
    if (this.rows.length === 0) return -1
    const r = Math.max(0, Math.min(this.rows.length - 1, row))
    this.active = this.rows.ids[r]
    return r
  }

  /** Type-ahead: the next row after `from` whose name starts with `prefix` (wrapping). */
  findByPrefix(prefix: string, from: number): number {
    const p = prefix.toLowerCase()
    const n = this.rows.length
    for (let k = 1; k <= n; k++) {
      const r = (from + k) % n
      if (this.mirror.names[this.rows.ids[r]].toLowerCase().startsWith(p)) return r
    }
    return -1
  }

  /** The row of the active node's parent, or -1. */
  parentRow(row: number): number {
    const level = this.rows.level[row]
    for (let r = row - 1; r >= 0; r--) if (this.rows.level[r] < level) return r
    return -1
  }
}
