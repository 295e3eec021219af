// How deep and how big a value from outside is, measured without recursion: a request or a
// stored setting nested thousands deep must be refused, not overflow the stack of whatever
// walks it next (a schema, JSON.stringify, a structured clone).

export interface ShapeLimits {
  /** Levels of arrays and objects. */
  maxDepth: number
  /** Values in all (every array element, object property and leaf counts one). */
  maxNodes: number
  /** UTF-16 units over all strings and keys. */
  maxChars: number
}

/** Generous for any request of the contract, tight enough that walking it is cheap. */
export const REQUEST_LIMITS: ShapeLimits = {
  maxDepth: 32,
  maxNodes: 200_000,
  maxChars: 16 * 1024 * 1024
}

/** Null when `value` is within `limits`, else what is over, in words. */
export function shapeProblem(value: unknown, limits: ShapeLimits): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }]
  let nodes = 0
  let chars = 0
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!
    if (++nodes > limits.maxNodes) return `more than ${limits.maxNodes} values`
    if (typeof v === 'string') chars += v.length
    else if (v !== null && typeof v === 'object') {
      if (depth >= limits.maxDepth) return `nested deeper than ${limits.maxDepth} levels`
      if (Array.isArray(v)) {
        for (const item of v) stack.push({ value: item, depth: depth + 1 })
      } else {
        for (const key of Object.keys(v)) {
          chars += key.length
          stack.push({ value: (v as Record<string, unknown>)[key], depth: depth + 1 })
        }
      }
    }
    if (chars > limits.maxChars) return `more than ${limits.maxChars} characters of text`
  }
  return null
}
