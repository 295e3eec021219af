// A read-only dashboard may look at the store (its state, its series, history) but not change
// it, test connections to hosts a viewer names, or export; bad ranges are refused in words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../dispatch'
import { CoreHarness } from '../../../../../test-support/core-harness'

describe('the store from a read-only dashboard', () => {
  let app: CoreHarness

  beforeAll(async () => {
    app = await CoreHarness.start({ readOnly: true })
  })
  afterAll(async () => {
    await app?.close()
  })

  const settings = {
    enabled: true,
    url: 'postgres://viewer@db.example:5432/plant',
    sslmode: 'disable',
    caFile: '',
    schema: 'mqtt_monitor'
  }
  const ask = (channel: string, req?: unknown) =>
    dispatch(app.core.handlers, channel, req, { readOnly: true })

  it('refuses saving, testing and exporting, and answers what only reads', async () => {
    for (const [channel, req] of [
      ['store:save', { settings, password: { action: 'set', value: 'x' } }],
      ['store:test', { settings }],
      [
        'store:export',
        {
          exportId: 'e1',
          series: [{ connection: 'c', topic: 't', field: 'f' }],
          fromMs: 0,
          toMs: 1
        }
      ]
    ] as const) {
      const answer = await ask(channel, req)
      expect(answer).toEqual({
        ok: false,
        error: { code: 'read-only', message: expect.stringMatching(/read-only/) }
      })
    }
    const view = await ask('store:get')
    expect(view).toMatchObject({
      ok: true,
      value: { status: { state: 'off' }, hasPassword: false }
    })
    expect(await ask('store:series')).toEqual({ ok: true, value: [] })
    const history = await ask('store:history', {
      series: [{ connection: 'c', topic: 't', field: 'f' }],
      fromMs: 0,
      toMs: 1000,
      buckets: 100
    })
    expect(history).toEqual({
      ok: false,
      error: { code: 'store-off', message: expect.stringMatching(/^No database is set up/) }
    })
  })

  it('refuses a backwards range and too many buckets in plain words', async () => {
    const backwards = await ask('store:history', {
      series: [{ connection: 'c', topic: 't', field: 'f' }],
      fromMs: 1000,
      toMs: 0,
      buckets: 100
    })
    expect(backwards).toMatchObject({
      ok: false,
      error: {
        code: 'bad-request',
        message: expect.stringContaining('the end of the range must be after its start')
      }
    })
    const wide = await ask('store:history', {
      series: [{ connection: 'c', topic: 't', field: 'f' }],
      fromMs: 0,
      toMs: 1000,
      buckets: 1_000_000
    })
    expect(wide).toMatchObject({ ok: false, error: { code: 'bad-request' } })
  })
})
