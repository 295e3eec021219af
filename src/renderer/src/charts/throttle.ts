// Caps how often a UI refresh runs; the last call in a burst always lands.

export interface Throttled {
  (): void
  cancel(): void
}

/** `ms` may be a function: read at each call, for an interval that follows the work's size. */
export function throttle(fn: () => void, ms: number | (() => number)): Throttled {
  let timer: ReturnType<typeof setTimeout> | undefined
  let last = -Infinity
  const run = (): void => {
    timer = undefined
    last = Date.now()
    fn()
  }
  const call = (() => {
    if (timer !== undefined) return
    const wait = last + (typeof ms === 'number' ? ms : ms()) - Date.now()
    if (wait <= 0) run()
    else timer = setTimeout(run, wait)
  }) as Throttled
  call.cancel = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
  }
  return call
}
