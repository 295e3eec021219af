import { describe, expect, it } from 'vitest'
import {
  halfToNumber,
  shortestFloat32,
  shortestHalf,
  TextBuffer,
  writeNumber
} from '../number-format'
import { mulberry32 } from './decode-test-helpers'

const buf = new Uint8Array(64)
const text = (v: number): string => Buffer.from(buf.subarray(0, writeNumber(buf, 0, v))).toString()

describe('number text for the journal', () => {
  it('writes the same text as String() for readings', () => {
    for (const v of [
      0,
      1,
      -1,
      22.31,
      -3.1,
      1013.25,
      0.05,
      -0.001,
      123456789.123,
      2 ** 53 - 1,
      1e-7 * 0
    ])
      expect(text(v)).toBe(String(v))
  })

  it('parses back to exactly the same double for 200,000 random values of every shape', () => {
    const random = mulberry32(7)
    const shapes = [
      () => random() * 1000,
      () => Number((random() * 1000).toFixed(2)),
      () => -Math.floor(random() * 1e15),
      () => (random() - 0.5) * 1e-5,
      () => random() * 1e25,
      () => Math.fround(random() * 100),
      () => (random() - 0.5) * Number.MAX_VALUE
    ]
    const wrong: number[] = []
    for (let i = 0; i < 200_000; i++) {
      const v = shapes[i % shapes.length]()
      if (Number(text(v)) !== v) wrong.push(v)
    }
    expect(wrong).toEqual([])
  })

  it('writes nothing for NaN (a missing value) and joins a row with commas', () => {
    const t = new TextBuffer()
    const start = t.appendValues([1.5, NaN, -2])
    expect(Buffer.from(t.bytes.subarray(start, t.length)).toString()).toBe('1.5,,-2')
  })

  it('keeps earlier rows readable when the buffer grows', () => {
    const t = new TextBuffer()
    const first = t.appendValues([1, 2, 3])
    const before = t.bytes
    const wide = Array.from({ length: 100 }, (_, i) => i + 0.5)
    const second = t.appendValues(wide)
    expect(t.bytes).not.toBe(before)
    expect(Buffer.from(before.subarray(first, first + 5)).toString()).toBe('1,2,3')
    expect(Buffer.from(t.bytes.subarray(second, t.length)).toString()).toBe(wide.join(','))
  })
})

describe('float32 and float16 as the decimal that was meant', () => {
  it('gives the shortest decimal that is the same float32', () => {
    expect(shortestFloat32(Math.fround(22.31))).toBe(22.31)
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1)
    expect(shortestFloat32(Math.fround(1013.25))).toBe(1013.25)
    expect(shortestFloat32(Math.fround(3.4e38))).toBe(3.4e38)
    expect(shortestFloat32(Math.fround(1e-40))).toBe(1e-40)
    const random = mulberry32(11)
    const wrong: number[] = []
    for (let i = 0; i < 100_000; i++) {
      const f = Math.fround((random() - 0.5) * 10 ** (Math.floor(random() * 30) - 10))
      if (Math.fround(shortestFloat32(f)) !== f) wrong.push(f)
    }
    expect(wrong).toEqual([])
  })

  it('gives a decimal that rounds to the same half float, for every finite half', () => {
    expect(shortestHalf(halfToNumber(0x2e66))).toBe(0.1)
    expect(halfToNumber(0x3c00)).toBe(1)
    expect(halfToNumber(0xc000)).toBe(-2)
    expect(halfToNumber(0x7bff)).toBe(65504)
    const wrong: number[] = []
    for (let bits = 1; bits < 0x7c00; bits++) {
      const h = halfToNumber(bits)
      const s = shortestHalf(h)
      const nearest =
        Math.abs(s - h) < Math.abs(s - halfToNumber(bits - 1)) &&
        Math.abs(s - h) < Math.abs(s - halfToNumber(bits + 1))
      if (!nearest) wrong.push(bits)
    }
    expect(wrong).toEqual([])
  })
})
