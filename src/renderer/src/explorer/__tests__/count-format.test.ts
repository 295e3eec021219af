import { describe, expect, it } from 'vitest'
import { compactCount, fmtInt } from '../format'

describe('counts in the tree', () => {
  it('read as toLocaleString("en-US") writes them, from one shared formatter', () => {
    for (const n of [0, 7, 999, 1000, 1234, 9999, 123_456_789])
      expect(fmtInt(n)).toBe(n.toLocaleString('en-US'))
    expect(fmtInt(1234)).toBe('1,234')
  })

  it('are compact from ten thousand on', () => {
    expect(compactCount(9999)).toBe('9,999')
    expect(compactCount(12_345)).toBe('12.3k')
    expect(compactCount(123_456)).toBe('123k')
    expect(compactCount(2_500_000)).toBe('2.5M')
  })
})
