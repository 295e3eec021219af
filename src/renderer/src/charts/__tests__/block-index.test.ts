import { describe, expect, it } from 'vitest'
import { SeriesBuffer } from '../series-store'

/** First-occurrence argmin, argmax and sum by brute force. */
function brute(v: Float64Array, s: number, e: number): [number, number, number] {
  let lo = -1
  let hi = -1
  let sum = 0
  for (let i = s; i < e; i++) {
    if (lo < 0 || v[i] < v[lo]) lo = i
    if (hi < 0 || v[i] > v[hi]) hi = i
    sum += v[i]
  }
  return [lo, hi, sum]
}

function check(buffer: SeriesBuffer, ranges: [number, number][]): void {
  const out = new Int32Array(2)
  const v = buffer.v
  for (const [s, e] of ranges) {
    const sum = buffer.extremes(s, e, out)
    const [lo, hi, expected] = brute(v, s, e)
    expect([out[0], out[1]]).toEqual([lo, hi])
    expect(sum).toBeCloseTo(expected, 6)
  }
}

function randomRanges(n: number, count: number, seed: number): [number, number][] {
  let x = seed
  const rand = (): number => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648
  const out: [number, number][] = [
    [0, n],
    [0, 1],
    [n - 1, n],
    [31, 33],
    [1023, 2049]
  ]
  for (let k = 0; k < count; k++) {
    const a = Math.floor(rand() * n)
    const b = Math.floor(rand() * n)
    out.push([Math.min(a, b), Math.max(a, b) + 1])
  }
  return out.filter(([s, e]) => e <= n && s < e)
}

describe('block index (via SeriesBuffer.extremes)', () => {
  const wave = (i: number): number => Math.round(100 * Math.sin(i / 97) + ((i * 31) % 17))

  it('matches a scan on random ranges, ties resolved to the first occurrence', () => {
    const n = 50_000
    const b = new SeriesBuffer(100_000)
    b.append(
      Float64Array.from({ length: n }, (_, i) => i),
      Float64Array.from({ length: n }, (_, i) => wave(i))
    )
    check(b, randomRanges(n, 300, 7))
  })

  it('stays right while points stream in, arrive late and the window slides', () => {
    const b = new SeriesBuffer(5000)
    let next = 0
    for (let round = 0; round < 400; round++) {
      const k = 1 + (round % 37)
      const t = Float64Array.from({ length: k }, (_, i) => (next + i) * 10)
      b.append(
        t,
        t.map((x) => wave(x / 10))
      )
      next += k
      if (round % 50 === 7) b.append(Float64Array.of((next - 100) * 10 + 5), Float64Array.of(999))
      if (round % 20 === 0) check(b, randomRanges(b.length, 20, round + 1))
    }
    expect(b.length).toBe(5000)
    check(b, randomRanges(b.length, 100, 99))
  })

  it('reports nothing for an empty range', () => {
    const b = new SeriesBuffer(10)
    b.append(Float64Array.of(1, 2), Float64Array.of(3, 4))
    const out = new Int32Array(2)
    expect(b.extremes(1, 1, out)).toBe(0)
    expect([out[0], out[1]]).toEqual([-1, -1])
  })
})
