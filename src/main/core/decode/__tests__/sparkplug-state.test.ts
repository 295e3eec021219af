// Sparkplug B node and device state: births, deaths, bdSeq, seq gaps, rebirth requests, host
// application state and commands, with payloads encoded from the specification's .proto.
import { describe, expect, it } from 'vitest'
import { createDecoder } from '..'
import { REBIRTH_INTERVAL_MS } from '../sparkplug/sparkplug-state'
import { config, errorOf, NOW } from './decode-test-helpers'
import { connection, DBIRTH, NBIRTH } from './sparkplug-fixtures'

describe('Sparkplug B node and device state', () => {
  it('puts nodes and devices online at birth and offline at death, and back at rebirth', () => {
    const sp = connection()
    expect(sp.state.entities()).toEqual([])
    sp.send('spBv1.0/Plant/NBIRTH/Edge1', NBIRTH)
    sp.send('spBv1.0/Plant/DBIRTH/Edge1/Pump', DBIRTH)
    const status = () => sp.state.entities().map((e) => [e.series, e.status])
    expect(status()).toEqual([
      ['Plant/Edge1', 'online'],
      ['Plant/Edge1/Pump', 'online']
    ])
    sp.send('spBv1.0/Plant/DDEATH/Edge1/Pump', { timestamp: 1500, seq: 2 })
    expect(status()).toEqual([
      ['Plant/Edge1', 'online'],
      ['Plant/Edge1/Pump', 'offline']
    ])
    expect(sp.state.entity('Plant', 'Edge1', 'Pump')?.since).toBe(1500)
    sp.send('spBv1.0/Plant/DBIRTH/Edge1/Pump', { ...DBIRTH, seq: 3 })
    sp.send('spBv1.0/Plant/NDEATH/Edge1', {
      timestamp: 2000,
      metrics: [{ name: 'bdSeq', datatype: 4, long_value: 7 }]
    })
    expect(status()).toEqual([
      ['Plant/Edge1', 'offline'],
      ['Plant/Edge1/Pump', 'offline']
    ])
    sp.send('spBv1.0/Plant/NBIRTH/Edge1', {
      ...NBIRTH,
      metrics: [{ name: 'bdSeq', datatype: 4, long_value: 8 }, ...NBIRTH.metrics.slice(1)]
    })
    // A new node session: its devices wait for their own births.
    expect(status()).toEqual([
      ['Plant/Edge1', 'online'],
      ['Plant/Edge1/Pump', 'offline']
    ])
    sp.send('spBv1.0/Plant/DBIRTH/Edge1/Pump', DBIRTH)
    expect(status()).toEqual([
      ['Plant/Edge1', 'online'],
      ['Plant/Edge1/Pump', 'online']
    ])
    expect(sp.state.entity('Plant', 'Edge1')?.bdSeq).toBe(8)
  })

  it('ignores an NDEATH from an earlier session (its bdSeq is not the birth\u2019s)', () => {
    const sp = connection()
    sp.send('spBv1.0/Plant/NBIRTH/Edge1', NBIRTH) // bdSeq 7
    sp.send('spBv1.0/Plant/NDEATH/Edge1', {
      metrics: [{ name: 'bdSeq', datatype: 4, long_value: 6 }]
    })
    expect(sp.state.entity('Plant', 'Edge1')).toMatchObject({ status: 'online', staleDeaths: 1 })
  })

  it('counts seq gaps, says so on the message, and follows the wrap from 255 to 0', () => {
    const sp = connection()
    sp.send('spBv1.0/G/NBIRTH/E', {
      seq: 0,
      metrics: [{ name: 'a', alias: 1, datatype: 10, double_value: 1 }]
    })
    const data = (seq: number) =>
      sp.send('spBv1.0/G/NDATA/E', { seq, metrics: [{ alias: 1, double_value: seq }] })
    expect(data(1)).toMatchObject({ ok: true })
    const gap = data(4)
    expect(gap.ok && gap.warning).toBe(
      'Sparkplug seq 4 where 2 was expected: messages from G/E were lost or reordered'
    )
    expect(gap.ok && gap.rows[0].values).toEqual([4]) // the data itself is kept
    for (let seq = 5; seq <= 255; seq++) expect(data(seq)).not.toHaveProperty('warning')
    expect(data(0)).not.toHaveProperty('warning')
    expect(sp.state.entity('G', 'E')).toMatchObject({ seqGaps: 1, lastSeq: 0 })
  })

  it('asks for one rebirth per interval for unknown aliases, only when it may publish', () => {
    const sp = connection(true)
    const unknown = (seq: number) =>
      sp.send('spBv1.0/G/NDATA/E', { seq, metrics: [{ alias: 42, datatype: 10, double_value: 1 }] })
    const first = unknown(0)
    expect(first.ok && first.warning).toBe(
      '1 metric with alias 42 that no birth certificate seen since connecting defines: asked the edge node for a rebirth'
    )
    const second = unknown(1)
    expect(second.ok && second.warning).toBe(
      '1 metric with alias 42 that no birth certificate seen since connecting defines: not charted until the edge node is born again (a rebirth was asked for within the last 30 s)'
    )
    expect(sp.published).toEqual([
      {
        topic: 'spBv1.0/G/NCMD/E',
        payload: {
          timestamp: NOW,
          metrics: [
            { name: 'Node Control/Rebirth', timestamp: NOW, datatype: 11, boolean_value: true }
          ]
        }
      }
    ])
    sp.tick(REBIRTH_INTERVAL_MS)
    unknown(2)
    expect(sp.published).toHaveLength(2)
    expect(sp.state.entity('G', 'E')).toMatchObject({
      unknownAliases: 3,
      lastUnknownAlias: 42,
      rebirthRequests: 2
    })

    const quiet = connection(false)
    const outcome = quiet.send('spBv1.0/G/DDATA/E/D', {
      seq: 0,
      metrics: [
        { alias: 5, double_value: 1 },
        { alias: 6, double_value: 2 }
      ]
    })
    expect(outcome.ok && outcome.warning).toBe(
      '2 metrics with alias 5, 6 that no birth certificate seen since connecting defines: not charted until the edge node is born again (allow publishing on this connection to ask it for a rebirth)'
    )
    expect(quiet.published).toEqual([])
    expect(quiet.state.entity('G', 'E', 'D')).toMatchObject({
      unknownAliases: 2,
      rebirthRequests: 0
    })
  })

  it('keeps host application state from STATE messages (3.0 JSON and the older words)', () => {
    const sp = connection()
    const state = (host: string, text: string) =>
      createDecoder(config(), { topic: `spBv1.0/STATE/${host}`, sparkplug: sp.state }).decode(
        Buffer.from(text),
        NOW
      )
    expect(state('scada', '{"online":true,"timestamp":1668114759262}')).toEqual({
      ok: true,
      rows: []
    })
    expect(state('old', 'OFFLINE')).toEqual({ ok: true, rows: [] })
    expect(errorOf(state('bad', 'yes'))).toBe(
      'Sparkplug STATE payload is not {"online": true|false, "timestamp": …}: "yes"'
    )
    expect(sp.state.hosts()).toEqual([
      { host: 'scada', online: true, timestamp: 1668114759262, since: NOW },
      { host: 'old', online: false, since: NOW }
    ])
  })

  it('shows commands to a node for the inspector without charting them', () => {
    const sp = connection()
    const outcome = sp.send('spBv1.0/G/NCMD/E', {
      metrics: [{ name: 'Node Control/Rebirth', datatype: 11, boolean_value: true }]
    })
    expect(outcome).toEqual({
      ok: true,
      rows: [],
      extras: [
        {
          series: 'G/E',
          metric: 'Node Control/Rebirth',
          t: NOW,
          datatype: 'Boolean',
          value: { kind: 'boolean', value: true }
        }
      ]
    })
  })
})
