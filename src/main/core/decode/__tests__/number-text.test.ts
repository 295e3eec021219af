import { describe, expect, it } from 'vitest'
import { isPrintedNumber, numberText, parseDecimal } from '../number-text'

const enc = new TextEncoder()

function parse(text: string): number {
  const bytes = enc.encode(text)
  return parseDecimal(bytes, 0, bytes.byteLength)
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

function expectSameAsNumber(texts: readonly string[]): void {
  const mismatches = texts
    .map((text) => ({ text, got: parse(text), want: Number(text) }))
    .filter(({ got, want }) => !Object.is(got, want))
  expect(mismatches.slice(0, 5)).toEqual([])
}

describe('parseDecimal', () => {
  it('equals Number(text) for 100,000 random 2-decimal values, positive and negative', () => {
    const random = mulberry32(7)
    const texts: string[] = []
    for (let i = 0; i < 100_000; i++) texts.push(((random() - 0.5) * 4000).toFixed(2))
    expectSameAsNumber(texts)
  })

  it('equals Number(text) for random decimals with up to 15 significant digits', () => {
    const random = mulberry32(11)
    const texts: string[] = []
    for (let i = 0; i < 50_000; i++) {
      const digits = 1 + Math.floor(random() * 15)
      let mantissa = ''
      for (let d = 0; d < digits; d++) mantissa += Math.floor(random() * 10)
      const dot = Math.floor(random() * (digits + 1))
      const sign = random() < 0.5 ? '-' : ''
      texts.push(`${sign}${mantissa.slice(0, dot)}.${mantissa.slice(dot)}`)
    }
    expectSameAsNumber(texts)
  })

  it('equals Number(text) for integers, including ones beyond 2^53', () => {
    expectSameAsNumber(['0', '7', '-7', '1013', '102583', '9007199254740991', '9007199254740993'])
    expectSameAsNumber(['123456789012345', '1234567890123456789', '-0', '000042'])
  })

  it('accepts a leading plus sign', () => {
    expectSameAsNumber(['+1', '+22.31', '+0.5', '+.5'])
    expect(parse('+22.31')).toBe(22.31)
  })

  it('trims spaces, tabs and line ends', () => {
    expect(parse('  22.31')).toBe(22.31)
    expect(parse('1013.25 \r\n')).toBe(1013.25)
    expect(parse('\t-4.5\t')).toBe(-4.5)
  })

  it('parses a sub-range of a buffer without touching the bytes around it', () => {
    const bytes = enc.encode('22.31,1013.25,76.12')
    expect(parseDecimal(bytes, 0, 5)).toBe(22.31)
    expect(parseDecimal(bytes, 6, 13)).toBe(1013.25)
    expect(parseDecimal(bytes, 14, 19)).toBe(76.12)
  })

  it('handles exponents like Number()', () => {
    expectSameAsNumber(['1e3', '1E3', '-2.5e-3', '6.02214076e23', '1e-300', '+1.5e+2', '.5e1'])
  })

  it('falls back to an exact parse for long mantissas and large scales', () => {
    expectSameAsNumber([
      '3.14159265358979323846',
      '0.1234567890123456789',
      '-98765.4321098765432',
      '0.00000000000000000000001',
      '1.0000000000000000000000000001',
      '123456789.123456789'
    ])
  })

  it('accepts a bare leading or trailing dot like Number()', () => {
    expectSameAsNumber(['.5', '-.25', '5.', '-5.'])
  })

  it('returns NaN for text that is not a plain finite decimal number', () => {
    for (const text of ['', ' ', '-', '+', '.', '-.', '1.2.3', '12abc', '0x10', '0b11', '0o7']) {
      expect(parse(text), JSON.stringify(text)).toBeNaN()
    }
    for (const text of ['abc', '1,5', '1 2', '--1', '+-1', 'e5', '1e', 'NaN', 'Infinity']) {
      expect(parse(text), JSON.stringify(text)).toBeNaN()
    }
    expect(parse('1e999'), 'overflow').toBeNaN()
    // Bytes Number() would trim as Unicode space: a Latin-1 NBSP, a vertical tab, a form feed.
    for (const lead of [0xa0, 0x0b, 0x0c]) {
      expect(parseDecimal(Uint8Array.from([lead, 0x31, 0x2e, 0x35]), 0, 4), `${lead}`).toBeNaN()
    }
  })
})

describe('numberText', () => {
  it('formats numbers the way JavaScript prints them', () => {
    expect(numberText(22.3)).toBe('22.3')
    expect(numberText(102583)).toBe('102583')
    expect(numberText(-0.5)).toBe('-0.5')
    expect(numberText(1e21)).toBe('1e+21')
  })
})

describe('isPrintedNumber', () => {
  /**
   * What the check must say: the text is exactly how String() prints its number. It may refuse
   * such a text only past 15 significant digits (where it stops being sure): the decoder then
   * prints the number itself, the same text.
   */
  function printedAs(text: string): boolean {
    const printed = /^-?[0-9.]+$/.test(text) && String(Number(text)) === text
    return printed && text.replace(/[-.]/g, '').replace(/^0+/, '').length <= 15
  }
  function check(text: string): boolean {
    const bytes = enc.encode(` ${text} `)
    return isPrintedNumber(bytes, 1, bytes.byteLength - 1)
  }

  it('accepts plain readings and refuses every text String() would print differently', () => {
    const accepted = ['0', '7', '-7', '20.3', '-0.5', '1013.25', '0.000001', '123456789012345']
    const refused = ['-0', '+1', '01', '1.', '.5', '1.50', '0.0000001', '1e3', '1234567890123457']
    refused.push('', '-', '0.', '1..2', '1.2.3', '12a', ' 1', '0x10', '-.5', '00', '0.10')
    expect(accepted.filter((t) => !check(t))).toEqual([])
    expect(refused.filter((t) => check(t))).toEqual([])
    expect([...accepted, ...refused].filter((t) => check(t) !== printedAs(t))).toEqual([])
  })

  it('agrees with String(Number(text)) on 200,000 random decimals of every shape', () => {
    const random = mulberry32(23)
    const digits = (n: number): string => {
      let s = ''
      for (let i = 0; i < n; i++) s += String(Math.floor(random() * 10))
      return s
    }
    const disagree: string[] = []
    for (let i = 0; i < 200_000; i++) {
      const sign = random() < 0.3 ? '-' : ''
      const whole = random() < 0.3 ? '0' : digits(1 + Math.floor(random() * 17))
      const fraction = random() < 0.3 ? '' : '.' + digits(1 + Math.floor(random() * 17))
      const text = sign + whole + fraction
      if (check(text) !== printedAs(text)) disagree.push(text)
    }
    expect(disagree.slice(0, 5)).toEqual([])
  })
})
