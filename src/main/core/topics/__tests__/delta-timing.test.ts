// Tree deltas go out on time even when the event loop does not return for a while: a flood
// of messages is read in one long stretch, and timers wait until it ends.
import { expect, it } from 'vitest'
import { newProfile } from '../../../../shared/defaults'
import { explorerSettingsSchema, type TopicDelta } from '../../../../shared/topic-types'
import { TopicsService } from '../topics-service'

it('sends a delta about every 50 ms while messages arrive without a break', () => {
  const profile = newProfile('flood', { name: 'Flood' })
  const deltas: TopicDelta[] = []
  const service = new TopicsService({
    connection: () => undefined,
    profile: () => profile,
    explorerSettings: () => explorerSettingsSchema.parse({}),
    saveExplorer: () => undefined,
    emit: (delta) => deltas.push(delta)
  })
  const packet = { qos: 0, retain: false, dup: false } as never
  const payload = Buffer.from('21.5')
  const start = Date.now()
  let n = 0
  while (Date.now() - start < 300) {
    service.message(profile, `plant/dev${n++ % 5000}/temp`, payload, packet, ['value'])
    // About 10 µs a message, as the core takes them in a flood.
    const until = performance.now() + 0.01
    while (performance.now() < until);
  }
  // Several deltas while the loop ran (none at all before it ended, without this).
  expect(deltas.length).toBeGreaterThanOrEqual(3)
  service.close()
  // Each node is announced once, whichever delta it fell in.
  const created = deltas.flatMap((d) => [...d.newIds])
  expect(new Set(created).size).toBe(created.length)
})
