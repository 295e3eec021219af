import { describe, expect, it } from 'vitest'
import { decodeFrame, encodeFrame } from '../frame-codec'

describe('the WebSocket frame', () => {
  it('carries number and byte arrays at any depth as arrays of the same kind and values', () => {
    const value = {
      kind: 'event',
      payload: {
        series: [
          { id: 1, t: new Float64Array([1.5, -2]), v: new Float64Array([0.1, 1e300]) },
          { id: 2, t: new Float64Array(0), v: new Float64Array([NaN]) }
        ],
        bytes: new Uint8Array([0, 255, 60]),
        nested: [[new Uint8Array([7])], { deep: { f: new Float64Array([3]) } }],
        text: 'a <b> "c"',
        none: null,
        list: ['x', 1, true]
      }
    }
    const back = decodeFrame(encodeFrame(value)) as typeof value
    const p = back.payload
    expect(p.series[0].t).toBeInstanceOf(Float64Array)
    expect([...p.series[0].t, ...p.series[0].v]).toEqual([1.5, -2, 0.1, 1e300])
    expect(Number.isNaN(p.series[1].v[0])).toBe(true)
    expect(p.series[1].t.length).toBe(0)
    expect(p.bytes).toBeInstanceOf(Uint8Array)
    expect([...p.bytes]).toEqual([0, 255, 60])
    expect([...(p.nested[0] as Uint8Array[])[0]]).toEqual([7])
    expect([...(p.nested[1] as { deep: { f: Float64Array } }).deep.f]).toEqual([3])
    expect([p.text, p.none, p.list]).toEqual(['a <b> "c"', null, ['x', 1, true]])
  })

  it('carries text beyond ASCII in the header with the arrays after it intact', () => {
    const value = { topic: 'Küche/温度/🌡', t: Float64Array.of(1.5, -2), b: Uint8Array.of(7) }
    const back = decodeFrame(encodeFrame(value)) as typeof value
    expect(back.topic).toBe('Küche/温度/🌡')
    expect(Array.from(back.t)).toEqual([1.5, -2])
    expect(Array.from(back.b)).toEqual([7])
  })

  it('leaves the value it encodes as it was', () => {
    const t = new Float64Array([1, 2])
    const value = { series: [{ id: 1, t }], names: ['a'] }
    encodeFrame(value)
    expect(value.series[0].t).toBe(t)
    expect(value).toEqual({ series: [{ id: 1, t: new Float64Array([1, 2]) }], names: ['a'] })
  })
})

describe('binary frames', () => {
  it('bring back a chart batch with its arrays where they were', () => {
    const batch = {
      defs: [{ id: 1, connection: 'c', topic: 't', field: 'f', unit: '' }],
      series: [
        { id: 1, t: Float64Array.from([1, 2]), v: Float64Array.from([20.5, -3]) },
        { id: 2, t: new Float64Array(0), v: Float64Array.from([NaN]) }
      ],
      topics: [{ connection: 'c', topic: 't', messages: 3, errors: 0, nested: [[{ x: null }]] }],
      payload: Uint8Array.from([0, 255, 7])
    }
    const back = decodeFrame(encodeFrame(batch)) as typeof batch
    expect(back.defs).toEqual(batch.defs)
    expect(back.series[0].t).toBeInstanceOf(Float64Array)
    expect(Array.from(back.series[0].v)).toEqual([20.5, -3])
    expect(back.series[1].t).toHaveLength(0)
    expect(Number.isNaN(back.series[1].v[0])).toBe(true)
    expect(back.topics).toEqual(batch.topics)
    expect(back.payload).toBeInstanceOf(Uint8Array)
    expect(Array.from(back.payload)).toEqual([0, 255, 7])
  })

  it('keep a "__proto__" key from the wire as a plain key, never as the prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true, "a": {"$f64": 0}}, "b": 1}')
    hostile.arr = Float64Array.from([1])
    const back = decodeFrame(encodeFrame(hostile)) as Record<string, unknown>
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype)
    expect((back as { polluted?: boolean }).polluted).toBeUndefined()
    const own = Object.getOwnPropertyDescriptor(back, '__proto__')!.value as Record<string, unknown>
    expect(own.polluted).toBe(true)
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined()
  })
})
