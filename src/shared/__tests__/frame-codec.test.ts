import { describe, expect, it } from 'vitest'
import { decodeFrame, encodeFrame } from '../frame-codec'

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
