import { describe, expect, it } from 'vitest'
import { MessageHistory } from '../message-history'

const KB = 1024
const bytes = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill)
/** Every kept message's `at` over topics 0..n-1, oldest first. */
const keptAts = (h: MessageHistory, topics: number): number[] =>
  Array.from({ length: topics }, (_, t) => h.list(t, 1e6).map((m) => m.at))
    .flat()
    .sort((a, b) => a - b)

describe('the kept message history', () => {
  it('keeps copies with their metadata and MQTT 5 properties, newest first', () => {
    const h = new MessageHistory(1024 * KB, 100)
    const source = bytes(4, 7)
    h.add(1, 1000, 1, true, false, source, {
      contentType: 'text/plain',
      correlationData: new Uint8Array([1, 255]),
      userProperties: [['site', 'Lyon']]
    })
    source.fill(0) // the caller's buffer is reused: the kept copy must not change
    h.add(2, 1500, 2, false, false, bytes(1, 9), null)
    h.add(1, 2000, 0, false, true, bytes(2), null)
    const [newest, oldest] = h.list(1, 10)
    expect([newest.at, newest.qos, newest.retain, newest.dup, newest.props]).toEqual([
      2000,
      0,
      false,
      true,
      null
    ])
    expect([...oldest.payload]).toEqual([7, 7, 7, 7])
    expect([oldest.qos, oldest.retain]).toEqual([1, true])
    expect(oldest.props).toEqual({
      contentType: 'text/plain',
      correlationData: new Uint8Array([1, 255]),
      userProperties: [['site', 'Lyon']]
    })
    expect(h.get(1, oldest.seq)).toEqual(oldest)
    expect(h.get(1, h.latest(2)!.seq)).toBeUndefined()
    expect(h.latest(1)).toEqual(newest)
    expect(h.list(1, 10, newest.seq)).toEqual([oldest])
    expect([h.kept(1), h.kept(2), h.kept(3)]).toEqual([2, 1, 0])
  })

  it('never holds more than its budget, and lets the oldest messages go first', () => {
    const budget = 256 * KB
    const h = new MessageHistory(budget, 1e6)
    for (let i = 0; i < 5000; i++) {
      h.add(i % 7, i, 0, false, false, bytes(100 + (i % 50)), null)
      expect(h.usedBytes).toBeLessThanOrEqual(budget)
    }
    const kept = keptAts(h, 7)
    // What is kept is the newest part of what came, with nothing missing in between.
    expect(kept.at(-1)).toBe(4999)
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 5000 - kept.length + i))
    expect(kept.length).toBeGreaterThan(1000)
    expect(h.usedBytes).toBeGreaterThan(budget * 0.75)
  })

  it('reads a large payload back whole from a chunk of its own', () => {
    const h = new MessageHistory(8 * 1024 * KB, 10)
    const big = new Uint8Array(2 * 1024 * KB).map((_, i) => i % 251)
    h.add(3, 1, 0, false, false, big, null)
    h.add(3, 2, 0, false, false, bytes(3), null)
    expect(h.list(3, 10).map((m) => m.payload.byteLength)).toEqual([3, big.byteLength])
    // Compared as bytes: a deep equality over two million elements takes seconds.
    expect(Buffer.compare(h.list(3, 10)[1].payload, big)).toBe(0)
  })

  it('lists at most its limit per topic', () => {
    const h = new MessageHistory(1024 * KB, 3)
    for (let i = 0; i < 10; i++) h.add(1, i, 0, false, false, bytes(10), null)
    expect(h.list(1, 100).map((m) => m.at)).toEqual([9, 8, 7])
    expect(h.kept(1)).toBe(3)
    expect(h.get(1, 1)).toBeUndefined()
  })

  it('lets go of the oldest chunks once every record in them is past its topic’s limit', () => {
    // A long run on few topics: each keeps its last 100, far less than the budget holds.
    const h = new MessageHistory(64 * 1024 * KB, 100)
    for (let i = 0; i < 200_000; i++) h.add(i % 5, i, 0, false, false, bytes(60), null)
    const record = 44 + 60
    expect(h.usedBytes).toBeLessThanOrEqual(5 * 100 * record + 2 * 1024 * KB)
    expect(h.droppedChunks).toBe(0) // gone because unlisted, not to meet the budget
    expect(keptAts(h, 5)).toEqual(Array.from({ length: 500 }, (_, i) => 199_500 + i))
    expect([0, 1, 2, 3, 4].map((t) => h.kept(t))).toEqual([100, 100, 100, 100, 100])
  })

  it('a quiet topic’s last messages move on instead of holding back the chunks around them', () => {
    const h = new MessageHistory(64 * 1024 * KB, 100)
    // A retained-config style topic: a few messages at the start, then silence.
    for (let i = 0; i < 5; i++)
      h.add(99, i, 1, i === 4, false, bytes(30, i + 1), { contentType: `v${i}` })
    const before = h.list(99, 10)
    for (let i = 0; i < 200_000; i++) h.add(i % 5, 100 + i, 0, false, false, bytes(60), null)
    // Without moving them, the first chunk would stay and with it every later one.
    expect(h.usedBytes).toBeLessThanOrEqual(2 * 5 * 100 * (44 + 60) + 3 * 1024 * KB)
    const after = h.list(99, 10)
    expect(after).toEqual(before)
    expect(after.map((m) => [m.at, m.payload[0], m.props?.contentType])).toEqual(
      [4, 3, 2, 1, 0].map((i) => [i, i + 1, `v${i}`])
    )
    expect(h.get(99, before[2].seq)).toEqual(before[2])
    expect(h.list(99, 10, before[1].seq)).toEqual(before.slice(2))
    expect(h.latest(99)).toEqual(before[0])
  })

  it('keeps each topic’s order and count as messages move and chunks go for the budget', () => {
    const h = new MessageHistory(8 * 1024 * KB, 100)
    const check = (): void => {
      for (const t of [99, 0, 49]) {
        const listed = h.list(t, 1e6)
        expect(listed.length).toBe(h.kept(t))
        const seqs = listed.map((m) => m.seq)
        expect(seqs).toEqual([...seqs].sort((a, b) => b - a))
      }
    }
    for (let round = 0; round < 40; round++) {
      h.add(99, round, 0, false, false, bytes(20, round), null) // quiet: one message a round
      for (let i = 0; i < 2000; i++)
        h.add(i % 50, round * 10_000 + i, 0, false, false, bytes(60), null)
      check()
    }
    expect(h.list(99, 100).map((m) => m.payload[0])).toEqual(
      Array.from({ length: 40 }, (_, i) => 39 - i)
    )
    h.setLimits(512 * KB, 100) // chunks holding moved messages now go for the budget
    expect(h.droppedChunks).toBeGreaterThan(0)
    check()
    expect(h.usedBytes).toBeLessThanOrEqual(512 * KB)
    expect(h.list(0, 1).map((m) => m.at)).toEqual([39 * 10_000 + 1950])
  })

  it('counts what each topic keeps as chunks go to meet the budget', () => {
    const h = new MessageHistory(256 * KB, 1e6)
    for (let i = 0; i < 10_000; i++) h.add(i % 3, i, 0, false, false, bytes(100), null)
    expect(h.droppedChunks).toBeGreaterThan(0)
    for (const t of [0, 1, 2]) expect(h.kept(t)).toBe(h.list(t, 1e6).length)
    expect(h.list(0, 1e6).at(-1)!.at).toBeGreaterThan(0)
  })

  it('a lower limit per topic frees the chunks it leaves unlisted', () => {
    const h = new MessageHistory(16 * 1024 * KB, 1e6)
    for (let i = 0; i < 50_000; i++) h.add(i % 2, i, 0, false, false, bytes(100), null)
    const before = h.usedBytes
    h.setLimits(16 * 1024 * KB, 10)
    expect(h.usedBytes).toBeLessThan(before / 2)
    expect(h.list(1, 100).map((m) => m.at)).toEqual(
      Array.from({ length: 10 }, (_, i) => 49_999 - 2 * i)
    )
  })

  it('a smaller budget applies at once', () => {
    const h = new MessageHistory(4096 * KB, 1e6)
    for (let i = 0; i < 20_000; i++) h.add(i % 4, i, 0, false, false, bytes(150), null)
    expect(h.usedBytes).toBeGreaterThan(2048 * KB)
    h.setLimits(1024 * KB, 1e6)
    expect(h.usedBytes).toBeLessThanOrEqual(1024 * KB)
    expect(keptAts(h, 4).at(-1)).toBe(19_999)
  })

  it('keeps nothing with a budget of 0, nor a message larger than the budget', () => {
    const off = new MessageHistory(0, 10)
    off.add(1, 0, 0, false, false, bytes(1), null)
    expect([off.kept(1), off.usedBytes]).toEqual([0, 0])
    const small = new MessageHistory(100 * KB, 10)
    small.add(1, 0, 0, false, false, bytes(200 * KB), null)
    expect([small.kept(1), small.usedBytes]).toEqual([0, 0])
  })
})
