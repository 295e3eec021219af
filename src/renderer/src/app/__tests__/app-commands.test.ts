import { describe, expect, it } from 'vitest'
import { APP_COMMAND_EVENT, broadcastCommand, onAppCommand } from '../app-commands'

describe('menu commands in the page', () => {
  it('are broadcast as an "app-command" DOM event with the command in detail', () => {
    const target = new EventTarget()
    const seen: unknown[] = []
    target.addEventListener(APP_COMMAND_EVENT, (e) => seen.push((e as CustomEvent).detail))
    broadcastCommand(target, 'pause')
    expect(APP_COMMAND_EVENT).toBe('app-command')
    expect(seen).toEqual([{ command: 'pause' }])
  })

  it('reach a listener for that command only, until it unsubscribes', () => {
    const target = new EventTarget()
    let pauses = 0
    const off = onAppCommand(target, 'pause', () => pauses++)
    broadcastCommand(target, 'export')
    broadcastCommand(target, 'pause')
    expect(pauses).toBe(1)
    off()
    broadcastCommand(target, 'pause')
    expect(pauses).toBe(1)
  })
})
