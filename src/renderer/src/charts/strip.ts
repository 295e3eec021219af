// Decides how little of a chart's canvas a frame must redraw. While a chart follows the clock
// its domain moves by whole pixel columns and its scales stay put, so the picture of the last
// frame is still right once it is shifted left: only a strip at the right, from the column
// before each changed line's last drawn point, needs drawing again. Anything else (new
// scales, lines, size, an edit to old data) redraws everything.

export type StripDecision =
  | { mode: 'full' }
  | { mode: 'none' }
  /** Shift the picture left by `shift` device pixels, then redraw from time `fromT` on. */
  | { mode: 'strip'; shift: number; fromT: number }

export interface LineMark {
  id: number
  /** Time of the newest point drawn for the line (-Infinity when none). */
  lastT: number
  /** Points ever appended to its buffer: changes when new points arrive. */
  count: number
  /** Its buffer's count of other changes (late points inserted): any redraws everything. */
  edits: number
}

interface Drawn {
  key: string
  x0: number
  x1: number
  step: number
  marks: Map<number, LineMark>
}

export class StripTracker {
  private drawn: Drawn | null = null

  /** Forgets the picture (the canvas was cleared or resized): the next frame is full. */
  reset(): void {
    this.drawn = null
  }

  /**
   * `key` names everything the picture depends on besides the domain and the data (scales,
   * lines, size); `step` is the time per device pixel column and `columnStep` the time per
   * drawn min/max column.
   */
  decide(
    key: string,
    [x0]: [number, number],
    step: number,
    columnStep: number,
    columns: number,
    marks: readonly LineMark[]
  ): StripDecision {
    const drawn = this.drawn
    if (!drawn || drawn.key !== key || drawn.step !== step) return { mode: 'full' }
    const shifted = (x0 - drawn.x0) / step
    const shift = Math.round(shifted)
    if (shift < 0 || shift >= columns || Math.abs(shifted - shift) > 1e-3) return { mode: 'full' }
    let fromT = Infinity
    for (const mark of marks) {
      const before = drawn.marks.get(mark.id)
      if (!before || mark.edits !== before.edits) return { mode: 'full' }
      if (mark.count === before.count) continue
      if (mark.count < before.count || !Number.isFinite(before.lastT)) return { mode: 'full' }
      // The column holding the last drawn point may gain a new min or max, which moves the
      // segment into it from the column before: redraw from that column on.
      fromT = Math.min(fromT, (Math.floor(before.lastT / columnStep) - 1) * columnStep)
    }
    if (shift > 0) fromT = Math.min(fromT, drawn.x1 - columnStep)
    if (fromT === Infinity) return { mode: 'none' }
    fromT = Math.floor(fromT / columnStep + 1e-9) * columnStep
    if (fromT <= x0) return { mode: 'full' }
    return { mode: 'strip', shift, fromT }
  }

  /** Records what the canvas shows after a frame. */
  drew(key: string, [x0, x1]: [number, number], step: number, marks: readonly LineMark[]): void {
    this.drawn = { key, x0, x1, step, marks: new Map(marks.map((m) => [m.id, m])) }
  }
}
