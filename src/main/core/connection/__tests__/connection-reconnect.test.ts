import { describe, expect, it } from 'vitest'
import {
  describeWithMosquitto,
  coreHarnessForSuite
} from '../../../../../test-support/vitest-suites'
import { BACKOFF_CAP_MS, BACKOFF_START_MS, backoffDelay } from '../connection'
import { waitUntil } from '../../../../../test-support/wait'
import type { ConnectionStatus } from '../../../../shared/types'
import { logMark, readings, waitForSubscribe } from '../../../../../test-support/broker-log'
import { CoreHarness } from '../../../../../test-support/core-harness'

describe('reconnect backoff', () => {
  it('doubles from 1 s to a 30 s cap, with jitter between half and the whole step', () => {
    const low = (attempt: number): number => backoffDelay(attempt, () => 0)
    const high = (attempt: number): number => backoffDelay(attempt, () => 0.999999)
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(high)).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000
    ])
    expect([1, 2, 6, 20].map(low)).toEqual([500, 1000, 15000, 15000])
    expect(BACKOFF_START_MS).toBe(1000)
    expect(BACKOFF_CAP_MS).toBe(30_000)
  })
})

const BROKER = { anonymous: true, password: false }

describeWithMosquitto('reconnecting to a restarted broker (real Mosquitto)', BROKER, (broker) => {
  // No persistence: after a restart the broker has forgotten every session.
  const app = coreHarnessForSuite()

  it.each([
    ['clean session on', true],
    ['clean session off, session lost by the broker', false]
  ])(
    '%s: reconnecting with attempts, then connected, subscriptions renewed, capture resumes',
    async (_what, clean) => {
      const id = clean ? 'clean' : 'unclean'
      const topic = `reconnect/${id}`
      await app.connect(
        {
          id,
          name: id,
          clientId: `reconnect-${id}`,
          clean,
          host: '127.0.0.1',
          port: broker.ports.anonymous!,
          topics: [{ filter: topic, qos: 1 }]
        } as never,
        { broker }
      )
      await broker.publish(topic, readings(2), { qos: 1 })
      await app.waitForCount(topic, 'temperature', 2)

      const from = app.statuses.length
      await broker.stop()
      const first = await app.waitForState(id, 'reconnecting')
      expect(first.attempt).toBe(1)
      expect(first.nextRetryAt).toBeGreaterThan(first.since)
      expect(first.nextRetryAt! - first.since).toBeLessThanOrEqual(BACKOFF_START_MS)
      // A failed try while the broker is down counts the next attempt and schedules it later.
      const second = await waitForStatus(app, id, (s) => s.attempt === 2 && !!s.nextRetryAt)
      expect(second.message).toMatch(/^Connection refused by 127\.0\.0\.1:\d+/)

      const mark = logMark(broker)
      await broker.start()
      await app.waitForState(id, 'connected', 40_000)
      const states = app.statuses
        .slice(from)
        .filter((s) => s.profileId === id)
        .map((s) => s.state)
      expect(states[0]).toBe('reconnecting')
      expect(states.at(-1)).toBe('connected')
      expect(states).not.toContain('error')
      // The new broker has no session for us: the app must subscribe again.
      await waitForSubscribe(broker, `reconnect-${id}`, mark)
      await broker.publish(topic, readings(3, 2), { qos: 1 })
      expect(await app.waitForCount(topic, 'temperature', 5)).toEqual([0, 1, 2, 3, 4])
      await app.invoke('connection:close', { profileId: id })
    },
    60_000
  )
})

async function waitForStatus(
  app: CoreHarness,
  id: string,
  ok: (s: ConnectionStatus) => boolean
): Promise<ConnectionStatus> {
  let found: ConnectionStatus | undefined
  await waitUntil(
    () => (found = app.statuses.find((s) => s.profileId === id && ok(s))) !== undefined,
    `a status of ${id} matching ${ok.toString()}`,
    15_000
  )
  return found!
}
