// protobufjs gives 64-bit integers as Long objects (low and high 32-bit halves). Charts want
// numbers: exact up to 2^53, the nearest double beyond.

export interface LongLike {
  low: number
  high: number
  unsigned: boolean
}

export function isLong(v: unknown): v is LongLike {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as LongLike).low === 'number' &&
    typeof (v as LongLike).high === 'number'
  )
}

/** A 64-bit value as a number; `signed` overrides what the Long says it is. */
export function longToNumber(v: unknown, signed?: boolean): number {
  if (typeof v === 'number') return v
  if (!isLong(v)) return NaN
  const isSigned = signed ?? !v.unsigned
  const high = isSigned ? v.high | 0 : v.high >>> 0
  return high * 4294967296 + (v.low >>> 0)
}
