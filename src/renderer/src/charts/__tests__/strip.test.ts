import { describe, expect, it } from 'vitest'
import { StripTracker, type LineMark } from '../strip'

const STEP = 100 // ms per device pixel column
const COLUMNS = 1000
const mark = (id: number, lastT: number, count: number, edits = 0): LineMark => ({
  id,
  lastT,
  count,
  edits
})

/** A tracker that has drawn two lines over [x0, x0 + 1000 columns). */
function drawn(x0 = 1_000_000) {
  const tracker = new StripTracker()
  const domain: [number, number] = [x0, x0 + STEP * COLUMNS]
  const marks = [mark(1, domain[1] - 250, 500), mark(2, domain[1] - 1250, 80)]
  expect(tracker.decide('k', domain, STEP, STEP, COLUMNS, marks)).toEqual({ mode: 'full' })
  tracker.drew('k', domain, STEP, marks)
  return { tracker, domain, marks }
}

describe('StripTracker', () => {
  it('redraws nothing when the domain and the data are as drawn', () => {
    const { tracker, domain, marks } = drawn()
    expect(tracker.decide('k', domain, STEP, STEP, COLUMNS, marks)).toEqual({ mode: 'none' })
  })

  it('shifts by whole columns and redraws from the column before a changed line’s last point', () => {
    const { tracker, domain, marks } = drawn()
    const next: [number, number] = [domain[0] + 3 * STEP, domain[1] + 3 * STEP]
    const changed = [mark(1, next[1] - 10, 501), marks[1]]
    // Line 1's last drawn point was at x1 - 250: in the column starting at x1 - 300.
    expect(tracker.decide('k', next, STEP, STEP, COLUMNS, changed)).toEqual({
      mode: 'strip',
      shift: 3,
      fromT: domain[1] - 400
    })
    // The older line changing moves the strip's start further left, on the column grid.
    const both = [changed[0], mark(2, next[1] - 5, 81)]
    expect(tracker.decide('k', next, STEP, STEP, COLUMNS, both)).toEqual({
      mode: 'strip',
      shift: 3,
      fromT: domain[1] - 1400
    })
  })

  it('with wide columns, redraws from the wide column before, and covers what the shift uncovered', () => {
    const { tracker, domain, marks } = drawn()
    const wide = 16 * STEP
    const next: [number, number] = [domain[0] + STEP, domain[1] + STEP]
    const decision = tracker.decide('k', next, STEP, wide, COLUMNS, marks)
    // No line changed: only the strip the shift uncovered, from the wide column before it.
    expect(decision).toEqual({
      mode: 'strip',
      shift: 1,
      fromT: Math.floor((domain[1] - wide) / wide) * wide
    })
  })

  it('redraws everything when anything but the domain and new points changed', () => {
    const { tracker, domain, marks } = drawn()
    const moved: [number, number] = [domain[0] + STEP, domain[1] + STEP]
    const full = { mode: 'full' }
    // Scales, size or lines (the key), the time per column, a shift by part of a column or
    // backwards or past the width, a late point (an edit), a cleared or replaced buffer, a
    // line not drawn before, a strip reaching the left edge.
    expect(tracker.decide('other', moved, STEP, STEP, COLUMNS, marks)).toEqual(full)
    expect(tracker.decide('k', moved, STEP * 2, STEP, COLUMNS, marks)).toEqual(full)
    const part: [number, number] = [domain[0] + STEP / 2, domain[1] + STEP / 2]
    expect(tracker.decide('k', part, STEP, STEP, COLUMNS, marks)).toEqual(full)
    const back: [number, number] = [domain[0] - STEP, domain[1] - STEP]
    expect(tracker.decide('k', back, STEP, STEP, COLUMNS, marks)).toEqual(full)
    const far: [number, number] = [domain[0] + COLUMNS * STEP, domain[1] + COLUMNS * STEP]
    expect(tracker.decide('k', far, STEP, STEP, COLUMNS, marks)).toEqual(full)
    expect(
      tracker.decide('k', domain, STEP, STEP, COLUMNS, [mark(1, domain[1] - 250, 501, 1), marks[1]])
    ).toEqual(full)
    expect(
      tracker.decide('k', domain, STEP, STEP, COLUMNS, [mark(1, domain[1] - 250, 3), marks[1]])
    ).toEqual(full)
    expect(
      tracker.decide('k', domain, STEP, STEP, COLUMNS, [...marks, mark(3, domain[1], 1)])
    ).toEqual(full)
    // A line whose last drawn point was in the first column gets a new one.
    const early = [marks[0], mark(2, domain[0] + 50, 80)]
    tracker.drew('k', domain, STEP, early)
    expect(
      tracker.decide('k', domain, STEP, STEP, COLUMNS, [marks[0], mark(2, domain[1], 81)])
    ).toEqual(full)
  })

  it('starts over after reset (the canvas was cleared)', () => {
    const { tracker, domain, marks } = drawn()
    tracker.reset()
    expect(tracker.decide('k', domain, STEP, STEP, COLUMNS, marks)).toEqual({ mode: 'full' })
  })
})
