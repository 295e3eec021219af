import { describe, expect, it } from 'vitest'
import { decoderSchema, type DecoderConfig } from '../../../../shared/schemas'
import { AutoDecoder, createDecoder, detectFormat, type DecodeOutcome } from '..'
import { CsvDecoder } from '../csv-decoder'
import { JsonDecoder } from '../json-decoder'
import { NumberDecoder, RawDecoder } from '../number-decoder'

const enc = new TextEncoder()
const bytes = (s: string): Uint8Array => enc.encode(s)
const config = (over: Partial<DecoderConfig> = {}): DecoderConfig => decoderSchema.parse(over)
const NOW = 1_700_000_000_000

function rows(outcome: DecodeOutcome) {
  if (!outcome.ok) throw new Error(`expected ok, got error: ${outcome.error}`)
  return outcome.rows
}

function rowTextOf(row: { text: Uint8Array; textStart: number; textEnd: number }): string {
  return Buffer.from(row.text.subarray(row.textStart, row.textEnd)).toString('utf8')
}

function expectError(outcome: DecodeOutcome): void {
  expect(outcome.ok).toBe(false)
  if (!outcome.ok) expect(outcome.error.length).toBeGreaterThan(0)
}

/** Deterministic PRNG so a failure is reproducible. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('CSV decoder', () => {
  it('decodes the reference payload into temperature/pressure/altitude, passing the text through', () => {
    const payload = bytes('22.31,1013.25,76.12')
    const [row] = rows(createDecoder(config({ format: 'csv' })).decode(payload, NOW))
    expect(row.fields).toEqual(['temperature', 'pressure', 'altitude'])
    expect(row.values).toEqual([22.31, 1013.25, 76.12])
    expect(row.t).toBe(NOW)
    expect(Buffer.from(row.text.subarray(row.textStart, row.textEnd))).toEqual(Buffer.from(payload))
  })

  it('ignores a trailing newline and keeps the text without it', () => {
    const [row] = rows(new CsvDecoder(['a', 'b']).decode(bytes('1.50,2\r\n'), NOW))
    expect(row.values).toEqual([1.5, 2])
    expect(rowTextOf(row)).toBe('1.50,2')
  })

  it('uses custom column names', () => {
    const [row] = rows(new CsvDecoder(['hum', 'co2']).decode(bytes('41.5,612'), NOW))
    expect(row.fields).toEqual(['hum', 'co2'])
    expect(row.values).toEqual([41.5, 612])
  })

  it('splits on a configured ";" separator and writes comma-joined text', () => {
    const decoder = createDecoder(config({ format: 'csv', csvSeparator: ';' }))
    const [row] = rows(decoder.decode(bytes('22.31;1013.25;76.12'), NOW))
    expect(row.values).toEqual([22.31, 1013.25, 76.12])
    expect(rowTextOf(row)).toBe('22.31,1013.25,76.12')
  })

  it('names extra columns col4, col5…', () => {
    const [row] = rows(createDecoder(config({ format: 'csv' })).decode(bytes('1,2,3,4,5'), NOW))
    expect(row.fields).toEqual(['temperature', 'pressure', 'altitude', 'col4', 'col5'])
    expect(row.values).toEqual([1, 2, 3, 4, 5])
  })

  it('names only the columns present when a payload has fewer', () => {
    const [row] = rows(createDecoder(config({ format: 'csv' })).decode(bytes('1,2'), NOW))
    expect(row.fields).toEqual(['temperature', 'pressure'])
    expect(row.values).toEqual([1, 2])
  })

  it('leaves a non-number column NaN with a warning and keeps the others', () => {
    const outcome = createDecoder(config({ format: 'csv' })).decode(bytes('22.31,oops,76.12'), NOW)
    expect(outcome.ok).toBe(true)
    if (!outcome.ok) return
    expect(outcome.warning).toMatch(/pressure.*oops.*not a number/)
    const [row] = outcome.rows
    expect(row.values[0]).toBe(22.31)
    expect(row.values[1]).toBeNaN()
    expect(row.values[2]).toBe(76.12)
    expect(rowTextOf(row)).toBe('22.31,,76.12')
  })

  it('rejects an all-garbage CSV payload with an error instead of throwing', () => {
    const decoder = createDecoder(config({ format: 'csv' }))
    expectError(decoder.decode(bytes('a,b,c'), NOW))
    expectError(decoder.decode(bytes('hello'), NOW))
  })

  it('takes t from a timestamp column and leaves it out of the fields', () => {
    const decoder = createDecoder(
      config({
        format: 'csv',
        csvColumns: ['ts', 'temperature', 'pressure'],
        timestamp: { source: 'field', field: 'ts', format: 'auto' }
      })
    )
    const [row] = rows(decoder.decode(bytes('1586815920,22.3,1013.2'), NOW))
    expect(row.t).toBe(1586815920000)
    expect(row.fields).toEqual(['temperature', 'pressure'])
    expect(row.values).toEqual([22.3, 1013.2])
    expect(rowTextOf(row)).toBe('22.3,1013.2')
    const [iso] = rows(decoder.decode(bytes('2020-04-13T22:12:00.250Z,1,2'), NOW))
    expect(iso.t).toBe(Date.UTC(2020, 3, 13, 22, 12, 0, 250))
  })
})

describe('JSON decoder', () => {
  const json = (over: Partial<DecoderConfig> = {}) =>
    createDecoder(config({ format: 'json', ...over }))

  it('decodes the reference array: one row, ts in seconds becomes t, ts is not a field', () => {
    const payload = bytes('[{"ts":1586815920,"temp":22.3,"pressure":102583,"alt":76}]')
    const out = rows(json().decode(payload, NOW))
    expect(out).toHaveLength(1)
    expect(out[0].t).toBe(1586815920000)
    expect(out[0].fields).toEqual(['temp', 'pressure', 'alt'])
    expect(out[0].values).toEqual([22.3, 102583, 76])
    expect(rowTextOf(out[0])).toBe('22.3,102583,76')
  })

  it('decodes a plain object at receive time', () => {
    const [row] = rows(json().decode(bytes('{"hum":40.5,"co2":600}'), NOW))
    expect(row.t).toBe(NOW)
    expect(row.fields).toEqual(['hum', 'co2'])
    expect(row.values).toEqual([40.5, 600])
  })

  it('names nested numbers by dot path', () => {
    const payload = bytes('{"env":{"t":21.5,"deep":{"p":1000}},"ok":true,"name":"x","n":3}')
    const [row] = rows(json().decode(payload, NOW))
    expect(row.fields).toEqual(['env.t', 'env.deep.p', 'ok', 'n'])
    expect(row.values).toEqual([21.5, 1000, 1, 3])
  })

  it('picks only the configured jsonPaths, in that order', () => {
    const payload = bytes('{"env":{"t":21.5,"deep":{"p":1000}},"n":3}')
    const [row] = rows(json({ jsonPaths: ['n', 'env.deep.p'] }).decode(payload, NOW))
    expect(row.fields).toEqual(['n', 'env.deep.p'])
    expect(row.values).toEqual([3, 1000])
  })

  it('reads ts given in epoch milliseconds and as ISO 8601 strings', () => {
    const [ms] = rows(json().decode(bytes('{"ts":1586815920123,"v":1}'), NOW))
    expect(ms.t).toBe(1586815920123)
    const [iso] = rows(json().decode(bytes('{"time":"2020-04-13T22:12:00.500Z","v":1}'), NOW))
    expect(iso.t).toBe(Date.UTC(2020, 3, 13, 22, 12, 0, 500))
    expect(iso.fields).toEqual(['v'])
    const [offset] = rows(json().decode(bytes('{"ts":"2020-04-14T00:12:00+02:00","v":1}'), NOW))
    expect(offset.t).toBe(Date.UTC(2020, 3, 13, 22, 12, 0))
  })

  it('turns an array of 3 objects into 3 rows', () => {
    const payload = bytes('[{"ts":1,"v":10},{"ts":2,"v":20},{"ts":3,"v":30}]')
    const out = rows(json().decode(payload, NOW))
    expect(out.map((r) => r.t)).toEqual([1000, 2000, 3000])
    expect(out.map((r) => r.values[0])).toEqual([10, 20, 30])
  })
})

describe('bad payloads never throw', () => {
  const tenMb = new Uint8Array(10 * 1024 * 1024).fill(0x31)
  const garbage = Uint8Array.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0xe2, 0x82, 0x07])
  const cases: [string, Uint8Array][] = [
    ['malformed JSON', bytes('{"temp": 22.3,')],
    ['binary garbage with invalid UTF-8', garbage],
    ['an empty payload', new Uint8Array(0)],
    ['a 10 MB payload', tenMb],
    ['NaN', bytes('NaN')],
    ['Infinity', bytes('Infinity')],
    ['null', bytes('null')],
    ['a JSON string', bytes('"text"')]
  ]
  const formats = ['csv', 'json', 'number', 'auto'] as const
  for (const format of formats) {
    for (const [name, payload] of cases) {
      it(`${format} decoder reports ${name} as an error`, () => {
        const decoder = createDecoder(config({ format }))
        let outcome: DecodeOutcome | undefined
        expect(() => (outcome = decoder.decode(payload, NOW))).not.toThrow()
        expectError(outcome!)
      })
    }
  }

  it('says why a 10 MB payload is refused', () => {
    const outcome = createDecoder(config({ format: 'json' })).decode(tenMb, NOW)
    expect(outcome.ok === false && outcome.error).toMatch(/too large/)
  })
})

describe('number and raw decoders', () => {
  it('decodes a plain number into the configured field', () => {
    const decoder = createDecoder(config({ format: 'number', numberField: 'level' }))
    const [row] = rows(decoder.decode(bytes(' 1013.25\n'), NOW))
    expect(row.fields).toEqual(['level'])
    expect(row.values).toEqual([1013.25])
    expect(row.t).toBe(NOW)
    expect(rowTextOf(row)).toBe('1013.25')
    expect(rows(new NumberDecoder('value').decode(bytes('-7'), NOW))[0].values).toEqual([-7])
  })

  it('raw decoder accepts anything and yields zero rows', () => {
    const outcome = new RawDecoder().decode()
    expect(outcome).toEqual({ ok: true, rows: [] })
    expect(createDecoder(config({ format: 'raw' })).decode(bytes('1,2,3'), NOW)).toEqual(outcome)
  })
})

describe('format detection', () => {
  it('detects csv, json and number payloads and returns null for garbage', () => {
    expect(detectFormat(bytes('22.31,1013.25,76.12'))).toBe('csv')
    expect(detectFormat(bytes('  [{"ts":1}]'))).toBe('json')
    expect(detectFormat(bytes('{"a":1}'))).toBe('json')
    expect(detectFormat(bytes(' 42.5 \n'))).toBe('number')
    expect(detectFormat(bytes('1;2;3'), ';')).toBe('csv')
    expect(detectFormat(bytes('1;2;3'))).toBeNull()
    expect(detectFormat(bytes('hello'))).toBeNull()
    expect(detectFormat(bytes('1,abc'))).toBeNull()
    expect(detectFormat(bytes('   '))).toBeNull()
    expect(detectFormat(new Uint8Array(0))).toBeNull()
  })

  it('auto picks CSV from the first good payload and stays on it', () => {
    const auto = new AutoDecoder(config())
    expectError(auto.decode(bytes('garbage'), NOW))
    expect(auto.format).toBe('auto')
    expect(rows(auto.decode(bytes('22.31,1013.25,76.12'), NOW))[0].fields).toEqual([
      'temperature',
      'pressure',
      'altitude'
    ])
    expect(auto.format).toBe('csv')
    expectError(auto.decode(bytes('{"temp":1}'), NOW))
    expect(auto.format).toBe('csv')
  })

  it('auto picks JSON and stays on it', () => {
    const auto = createDecoder(config({ format: 'auto' }))
    const [row] = rows(auto.decode(bytes('[{"ts":1586815920,"temp":22.3}]'), NOW))
    expect(row.t).toBe(1586815920000)
    expect(auto.format).toBe('json')
    expectError(auto.decode(bytes('1,2,3'), NOW))
    expect(auto.format).toBe('json')
  })

  it('auto picks number and stays on it', () => {
    const auto = createDecoder(config({ format: 'auto' }))
    expect(rows(auto.decode(bytes('7.5'), NOW))[0].values).toEqual([7.5])
    expect(auto.format).toBe('number')
    expectError(auto.decode(bytes('1,2'), NOW))
    expect(auto.format).toBe('number')
  })
})

describe('fuzz', () => {
  it('1,000 random payloads through every decoder never throw and keep rows consistent', () => {
    const random = mulberry32(20240601)
    const alphabet = '0123456789.,-+e ;{}[]":tsabc\n'
    const decoders = () => [
      createDecoder(config({ format: 'csv' })),
      createDecoder(config({ format: 'csv', csvSeparator: ';' })),
      new JsonDecoder([], config().timestamp),
      createDecoder(config({ format: 'number' })),
      createDecoder(config({ format: 'raw' }))
    ]
    const shared = [...decoders(), new AutoDecoder(config())]
    let rowsChecked = 0
    for (let n = 0; n < 1000; n++) {
      const length = Math.floor(random() * 64)
      const payload = new Uint8Array(length)
      const textual = n % 2 === 0
      for (let i = 0; i < length; i++) {
        payload[i] = textual
          ? alphabet.charCodeAt(Math.floor(random() * alphabet.length))
          : Math.floor(random() * 256)
      }
      for (const decoder of [...shared, ...decoders(), new AutoDecoder(config())]) {
        let outcome: DecodeOutcome | undefined
        expect(() => (outcome = decoder.decode(payload, NOW))).not.toThrow()
        if (!outcome!.ok) {
          expect(typeof outcome!.error).toBe('string')
          continue
        }
        for (const row of outcome!.rows) {
          rowsChecked++
          expect(row.values.length).toBe(row.fields.length)
          const cells = rowTextOf(row).split(',')
          expect(cells.length).toBe(row.fields.length)
          row.values.forEach((v, i) => {
            if (Number.isNaN(v)) expect(cells[i]).toBe('')
            // -0 is written as "0": compare numerically, not with Object.is.
            else expect(Number(cells[i]) === v, `${cells[i]} vs ${v}`).toBe(true)
          })
        }
      }
    }
    // The textual half produces decodable payloads: the row checks above did run.
    expect(rowsChecked).toBeGreaterThan(100)
  })
})
