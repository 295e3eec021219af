import { describe, expect, it } from 'vitest'
import { MESSAGE_OVERHEAD_BYTES, MessageHistory } from '../message-history'

const bytes = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill)
const cost = (n: number): number => n + MESSAGE_OVERHEAD_BYTES
const seqs = (h: MessageHistory, topic: number): number[] => h.list(topic, 1000).map((m) => m.seq)

describe('the kept message history', () => {
  it('keeps copies with their metadata, newest first', () => {
    const h = new MessageHistory(1 << 20, 100)
    const source = bytes(4, 7)
    h.add(1, 1000, 1, true, false, source, { contentType: 'text/plain' })
    source.fill(0) // the caller's buffer is reused: the kept copy must not change
    h.add(1, 2000, 0, false, true, bytes(2), null)
    const [newest, oldest] = h.list(1, 10)
    expect([newest.at, newest.qos, newest.retain, newest.dup]).toEqual([2000, 0, false, true])
    expect([...oldest.payload]).toEqual([7, 7, 7, 7])
    expect(oldest.props).toEqual({ contentType: 'text/plain' })
    expect(h.get(1, oldest.seq)).toBe(oldest)
    expect(h.latest(1)).toBe(newest)
    expect(h.list(1, 10, newest.seq)).toEqual([oldest])
  })

  it('never uses more than its budget, dropping the oldest message first', () => {
    const budget = cost(100) * 10
    const h = new MessageHistory(budget, 1000)
    const added: number[] = []
    for (let i = 0; i < 25; i++)
      added.push(h.add(i % 2 === 0 ? 1 : 2, i, 0, false, false, bytes(100), null).seq)
    expect(h.usedBytes).toBeLessThanOrEqual(budget)
    expect(h.size).toBe(10)
    // The ten newest remain, whichever topic they are on.
    const kept = [...seqs(h, 1), ...seqs(h, 2)].sort((a, b) => a - b)
    expect(kept).toEqual(added.slice(-10))
    expect(h.droppedCount).toBe(15)
  })

  it("keeps each topic's latest message while older messages of others can go", () => {
    const h = new MessageHistory(cost(100) * 4, 1000)
    const quiet = h.add(1, 0, 0, false, false, bytes(100), null).seq // topic 1 says one thing
    for (let i = 0; i < 50; i++) h.add(2, i + 1, 0, false, false, bytes(100), null) // topic 2 chatters
    expect(seqs(h, 1)).toEqual([quiet])
    expect(h.kept(2)).toBe(3)
    expect(h.usedBytes).toBeLessThanOrEqual(cost(100) * 4)
  })

  it('lets latest messages go too, oldest first, when only they are left', () => {
    const h = new MessageHistory(cost(100) * 3, 1000)
    for (let t = 1; t <= 5; t++) h.add(t, t, 0, false, false, bytes(100), null)
    expect([1, 2, 3, 4, 5].map((t) => h.kept(t))).toEqual([0, 0, 1, 1, 1])
  })

  it('keeps at most its limit per topic', () => {
    const h = new MessageHistory(1 << 20, 3)
    for (let i = 0; i < 10; i++) h.add(1, i, 0, false, false, bytes(10), null)
    expect(h.list(1, 100).map((m) => m.at)).toEqual([9, 8, 7])
    expect(h.usedBytes).toBe(cost(10) * 3)
    // The queue's slots of the messages the limit took do not cost other topics theirs.
    for (let i = 0; i < 3; i++) h.add(2, 100 + i, 0, false, false, bytes(10), null)
    expect(h.kept(2)).toBe(3)
  })

  it('a smaller budget or limit applies at once', () => {
    const h = new MessageHistory(1 << 20, 100)
    for (let i = 0; i < 20; i++) h.add(i % 4, i, 0, false, false, bytes(1000), null)
    h.setLimits(cost(1000) * 6, 100)
    expect(h.usedBytes).toBeLessThanOrEqual(cost(1000) * 6)
    expect(h.size).toBe(6)
    h.setLimits(1 << 20, 1)
    expect([0, 1, 2, 3].map((t) => h.kept(t))).toEqual([1, 1, 1, 1])
  })

  it('a message larger than the whole budget is not kept', () => {
    const h = new MessageHistory(1000, 10)
    h.add(1, 0, 0, false, false, bytes(5000), null)
    expect(h.kept(1)).toBe(0)
    expect(h.usedBytes).toBe(0)
    const off = new MessageHistory(0, 10)
    off.add(1, 0, 0, false, false, bytes(1), null)
    expect(off.size).toBe(0)
  })

  it('counts properties in the budget', () => {
    const h = new MessageHistory(1 << 20, 10)
    h.add(1, 0, 0, false, false, bytes(0), {
      userProperties: [['k'.repeat(1000), 'v']],
      correlationData: bytes(500)
    })
    expect(h.usedBytes).toBeGreaterThan(cost(0) + 2500)
  })
})
