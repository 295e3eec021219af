// Name order for the tree: digit runs compare by value, so dev2 comes before dev10; plain
// code-unit order breaks ties, so the order is total (dev01 and dev1 stay apart).

const isDigit = (c: number): boolean => c >= 48 && c <= 57

export function naturalCompare(a: string, b: string): number {
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i)
    const cb = b.charCodeAt(j)
    if (isDigit(ca) && isDigit(cb)) {
      // Skip leading zeros, then the longer run is the larger number.
      let si = i
      let sj = j
      while (si < a.length && a.charCodeAt(si) === 48) si++
      while (sj < b.length && b.charCodeAt(sj) === 48) sj++
      let ei = si
      let ej = sj
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++
      const la = ei - si
      const lb = ej - sj
      if (la !== lb) return la - lb
      for (let k = 0; k < la; k++) {
        const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k)
        if (d !== 0) return d
      }
      i = ei
      j = ej
      continue
    }
    if (ca !== cb) return ca - cb
    i++
    j++
  }
  if (a.length - i !== b.length - j) return a.length - i - (b.length - j)
  return a < b ? -1 : a > b ? 1 : 0
}
