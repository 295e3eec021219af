// "Chart this": the explorer asks, the dashboard (which owns the chart layout) answers. The
// dashboard tells which charts exist, so a field can join one of its unit or start a chart.
import type { SeriesKey } from '../charts/layout'

export interface ChartTarget {
  id: string
  title: string
  /** The unit of the chart's series ('' when they have none). */
  unit: string
}

export interface ChartPick {
  keys: SeriesKey[]
  /** A chart id, or 'new' for one chart per unit. */
  target: string
}

/** Plain words on what a pick did. */
export type PickOutcome = { ok: true; message: string } | { ok: false; message: string }

export class ChartPicks {
  private targetList: ChartTarget[] = []
  private handler: ((pick: ChartPick) => PickOutcome) | null = null
  private readonly listeners = new Set<() => void>()

  get targets(): readonly ChartTarget[] {
    return this.targetList
  }

  /** The dashboard's charts as they are now. */
  setTargets(targets: ChartTarget[]): void {
    const same =
      targets.length === this.targetList.length &&
      targets.every(
        (t, i) =>
          t.id === this.targetList[i].id &&
          t.title === this.targetList[i].title &&
          t.unit === this.targetList[i].unit
      )
    if (same) return
    this.targetList = targets
    for (const l of this.listeners) l()
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The dashboard takes picks from here on. */
  handle(handler: (pick: ChartPick) => PickOutcome): () => void {
    this.handler = handler
    return () => {
      if (this.handler === handler) this.handler = null
    }
  }

  pick(pick: ChartPick): PickOutcome {
    if (!this.handler) return { ok: false, message: 'The charts are not ready yet.' }
    return this.handler(pick)
  }
}
