import { scaleLinear } from 'd3'
import { describe, expect, it } from 'vitest'
import { decimateMinMax } from '../decimate'
import { drawLine, type LineContext } from '../draw'

class RecordingContext implements LineContext {
  calls: string[] = []
  strokeStyle: unknown = ''
  lineWidth = 1
  lineJoin: unknown = 'miter'
  lineCap: unknown = 'butt'
  beginPath(): void {
    this.calls.push('beginPath')
  }
  moveTo(x: number, y: number): void {
    this.calls.push(`moveTo ${x} ${y}`)
  }
  lineTo(x: number, y: number): void {
    this.calls.push(`lineTo ${x} ${y}`)
  }
  closePath(): void {
    this.calls.push('closePath')
  }
  stroke(): void {
    this.calls.push(`stroke ${String(this.strokeStyle)} ${this.lineWidth}`)
  }
}

describe('drawLine', () => {
  const x = scaleLinear().domain([0, 3000]).range([0, 300])
  const y = scaleLinear().domain([0, 10]).range([100, 0])

  it('draws a 4-point series as one moveTo and three lineTo on the scales', () => {
    const ctx = new RecordingContext()
    const t = Float64Array.from([0, 1000, 2000, 3000])
    const v = Float64Array.from([0, 10, 5, 10])
    drawLine(ctx, t, v, 4, x, y, '#123456', 2)
    expect(ctx.calls).toEqual([
      'beginPath',
      'moveTo 0 100',
      'lineTo 100 0',
      'lineTo 200 50',
      'lineTo 300 0',
      'stroke #123456 2'
    ])
  })

  it('draws only the first n points of a reused buffer', () => {
    const ctx = new RecordingContext()
    const t = Float64Array.from([0, 1500, 3000, 9999])
    const v = Float64Array.from([10, 0, 10, 99])
    drawLine(ctx, t, v, 3, x, y, 'red')
    expect(ctx.calls.filter((c) => c.startsWith('moveTo') || c.startsWith('lineTo'))).toEqual([
      'moveTo 0 0',
      'lineTo 150 100',
      'lineTo 300 0'
    ])
  })

  it('draws nothing for an empty series', () => {
    const ctx = new RecordingContext()
    drawLine(ctx, new Float64Array(0), new Float64Array(0), 0, x, y, 'red')
    expect(ctx.calls).toEqual([])
  })

  it('breaks the line at a NaN point (a gap) and starts again after it', () => {
    const ctx = new RecordingContext()
    const t = Float64Array.from([0, 1000, NaN, 2000, 3000])
    const v = Float64Array.from([0, 10, NaN, 5, 10])
    drawLine(ctx, t, v, 5, x, y, 'blue')
    expect(ctx.calls).toEqual([
      'beginPath',
      'moveTo 0 100',
      'lineTo 100 0',
      'moveTo 200 50',
      'lineTo 300 0',
      'stroke blue 1.5'
    ])
  })

  it('draws a decimated series as the expected path', () => {
    // 1,000 points of a triangle wave over 10 columns: each column keeps its low and high.
    const n = 1000
    const t = Float64Array.from({ length: n }, (_, i) => i * 3)
    const v = Float64Array.from(
      { length: n },
      (_, i) => (i % 100 < 50 ? i % 100 : 100 - (i % 100)) / 5
    )
    const d = decimateMinMax(t, v, 0, n, 0, 3000, 10)
    const ctx = new RecordingContext()
    drawLine(ctx, d.t, d.v, d.length, x, y, 'red')
    const path = ctx.calls.filter((c) => c.startsWith('moveTo') || c.startsWith('lineTo'))
    // Per 100-point column: the first low (v 0 at i%100 == 0) then the high (v 10 at 50).
    const expected = ['moveTo 0 100', 'lineTo 15 0']
    for (let c = 1; c < 10; c++) expected.push(`lineTo ${c * 30} 100`, `lineTo ${c * 30 + 15} 0`)
    expected.push('lineTo 299.7 98')
    expect(path).toEqual(expected)
  })
})
