import { describe, expect, it } from 'vitest'
import { hexDump, hexString } from '../hex-dump'
import { diffLines, payloadDiff } from '../payload-diff'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('the hex view', () => {
  it('shows offsets, 16 bytes a line in two groups, and printable ASCII', () => {
    const bytes = new Uint8Array([
      0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00, 0x01, 0x7f, 0x80, 0xff, 0x20, 0x7e, 0x41, 0x42, 0x43,
      0x44, 0xcd, 0xcc, 0xb2, 0x41
    ])
    expect(hexDump(bytes)).toEqual([
      {
        offset: '00000000',
        hex: '48 65 6c 6c 6f 00 01 7f  80 ff 20 7e 41 42 43 44',
        ascii: 'Hello..... ~ABCD'
      },
      {
        offset: '00000010',
        hex: 'cd cc b2 41'.padEnd(48, ' '),
        ascii: '...A'
      }
    ])
  })

  it('counts offsets from the start of the whole payload on later pages', () => {
    expect(hexDump(new Uint8Array(20), 0x10000).map((l) => l.offset)).toEqual([
      '00010000',
      '00010010'
    ])
  })

  it('lines up a short last line with full ones', () => {
    const [full, short] = hexDump(new Uint8Array(17))
    expect(short.hex.length).toBe(full.hex.length)
  })

  it('copies bytes as hex pairs', () => {
    expect(hexString(new Uint8Array([0, 10, 255]))).toBe('00 0a ff')
  })
})

describe('the diff view', () => {
  it('marks added and removed lines, keeping the rest', () => {
    expect(diffLines(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'e'])).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'same', text: 'c' },
      { kind: 'same', text: 'd' },
      { kind: 'added', text: 'e' }
    ])
  })

  it('shows a changed line as removed then added', () => {
    expect(diffLines(['x', 'old', 'y'], ['x', 'new', 'y'])).toEqual([
      { kind: 'same', text: 'x' },
      { kind: 'removed', text: 'old' },
      { kind: 'added', text: 'new' },
      { kind: 'same', text: 'y' }
    ])
  })

  it('handles empty sides', () => {
    expect(diffLines([], ['a'])).toEqual([{ kind: 'added', text: 'a' }])
    expect(diffLines(['a'], [])).toEqual([{ kind: 'removed', text: 'a' }])
    expect(diffLines([], [])).toEqual([])
  })

  it('says when two messages differ too much instead of showing part of it', () => {
    const a = Array.from({ length: 50 }, (_, i) => `a${i}`)
    const b = Array.from({ length: 50 }, (_, i) => `b${i}`)
    expect(diffLines(a, b, 20)).toBeNull()
    expect(payloadDiff(enc(a.join('\n')), enc(b.join('\n'))).ops).not.toBeNull()
  })

  it('compares JSON pretty-printed, so one changed value is one changed line', () => {
    const d = payloadDiff(
      enc('[{"ts":1586815920,"temp":22.3,"pressure":102583,"alt":76}]'),
      enc('[{"ts":1586815921,"temp":22.3,"pressure":102590,"alt":76}]')
    )
    expect(d.mode).toBe('json')
    expect(d.ops!.filter((o) => o.kind !== 'same')).toEqual([
      { kind: 'removed', text: '    "ts": 1586815920,' },
      { kind: 'added', text: '    "ts": 1586815921,' },
      { kind: 'removed', text: '    "pressure": 102583,' },
      { kind: 'added', text: '    "pressure": 102590,' }
    ])
  })

  it('compares binary payloads as hex dump lines', () => {
    const before = new Uint8Array(32)
    const after = new Uint8Array(32)
    after[20] = 0xab
    const d = payloadDiff(before, after)
    expect(d.mode).toBe('hex')
    expect(d.ops!.map((o) => o.kind)).toEqual(['same', 'removed', 'added'])
    expect(d.ops![2].text).toContain('00 00 00 00 ab 00')
  })
})
