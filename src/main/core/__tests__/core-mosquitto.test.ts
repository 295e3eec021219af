import * as fs from 'node:fs'
import { expect, it } from 'vitest'
import { describeWithMosquitto, coreHarnessForSuite } from '../../../../test-support/vitest-suites'

const BROKER = { anonymous: true, password: true }

describeWithMosquitto('the core against a real Mosquitto', BROKER, (broker) => {
  const app = coreHarnessForSuite()

  it('captures the reference CSV payloads exactly as published', async () => {
    await app.connect({
      id: 'anon',
      name: 'anon',
      host: '127.0.0.1',
      port: broker.ports.anonymous!,
      topics: [{ filter: 'esp32.out', qos: 1 }]
    } as never)
    // Wait for the subscription to be active before publishing (QoS 1 SUBACK).
    await new Promise((r) => setTimeout(r, 300))
    const payloads = ['22.31,1013.25,76.12', '22.35,1013.20,76.55', '-3.10,998.00,210.40']
    await broker.publish('esp32.out', payloads, { qos: 1 })
    expect(await app.waitForCount('esp32.out', 'temperature', 3)).toEqual([22.31, 22.35, -3.1])
    expect(await app.values('esp32.out', 'pressure')).toEqual([1013.25, 1013.2, 998])
    expect(await app.values('esp32.out', 'altitude')).toEqual([76.12, 76.55, 210.4])
    const snap = await app.invoke('capture:snapshot', {})
    const units = Object.fromEntries(
      snap.defs.filter((d) => d.topic === 'esp32.out').map((d) => [d.field, d.unit])
    )
    expect(units).toEqual({ temperature: '°C', pressure: 'hPa', altitude: 'm' })
  })

  it('captures the reference JSON payload with its timestamp, and counts garbage without losing anything', async () => {
    await app.connect({
      id: 'json',
      name: 'json',
      host: '127.0.0.1',
      port: broker.ports.anonymous!,
      topics: [{ filter: 'esp32b.out', qos: 1 }]
    } as never)
    await new Promise((r) => setTimeout(r, 300))
    await broker.publish(
      'esp32b.out',
      [
        '[{"ts":1586815920,"temp":22.3,"pressure":102583,"alt":76}]',
        'not json at all',
        '[{"ts":1586815921,"temp":22.4,"pressure":102580,"alt":77}]'
      ],
      { qos: 1 }
    )
    expect(await app.waitForCount('esp32b.out', 'temp', 2)).toEqual([22.3, 22.4])
    expect(await app.values('esp32b.out', 'pressure')).toEqual([102583, 102580])
    const snap = await app.invoke('capture:snapshot', {})
    const temp = snap.defs.find((d) => d.topic === 'esp32b.out' && d.field === 'temp')!
    expect([...snap.series.find((s) => s.id === temp.id)!.t]).toEqual([
      1586815920000, 1586815921000
    ])
    expect(snap.defs.some((d) => d.topic === 'esp32b.out' && d.field === 'ts')).toBe(false)
    const stat = snap.topics.find((t) => t.topic === 'esp32b.out')!
    expect(stat).toMatchObject({ messages: 3, errors: 1 })
    expect(stat.lastError).toMatch(/JSON/)
  })

  it('connects with a password and exports what it received as CSV', async () => {
    await app.connect(
      {
        id: 'pw',
        name: 'pw',
        host: '127.0.0.1',
        port: broker.ports.password!,
        username: 'sensor',
        topics: [{ filter: 'pw/esp32.out', qos: 1 }]
      } as never,
      { password: broker.users.sensor }
    )
    await new Promise((r) => setTimeout(r, 300))
    await broker.publish('pw/esp32.out', ['20.00,1000.00,100.00', '21.50,1001.50,101.50'], {
      qos: 1,
      port: 'password'
    })
    await app.waitForCount('pw/esp32.out', 'temperature', 2)
    const result = await app.invoke('export:start', {
      exportId: 'pw-export',
      topics: ['pw/esp32.out']
    })
    expect(result).toMatchObject({ status: 'done', rows: 2 })
    const csv = fs
      .readFileSync(`${app.dataDir}/exports/pw-export.csv`, 'utf8')
      .replace(/^\ufeff/, '')
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toBe('time,epoch_ms,topic,temperature (°C),pressure (hPa),altitude (m)')
    expect(lines.slice(1).map((l) => l.split(',').slice(2).join(','))).toEqual([
      'pw/esp32.out,20.00,1000.00,100.00',
      'pw/esp32.out,21.50,1001.50,101.50'
    ])
  })

  it('reports a wrong password as "not authorized" and does not retry', async () => {
    await app.saveProfile(
      {
        id: 'bad',
        name: 'bad',
        host: '127.0.0.1',
        port: broker.ports.password!,
        username: 'sensor',
        topics: [{ filter: 'x', qos: 0 }]
      } as never,
      'wrong-password'
    )
    await app.invoke('connection:open', { profileId: 'bad' })
    const status = await app.waitForState('bad', 'error')
    expect(status.message).toBe('Not authorized: wrong username or password.')
    await new Promise((r) => setTimeout(r, 1500))
    expect(app.status('bad')?.state).toBe('error')
  })

  it('reports a port with no broker as connection refused, and keeps retrying', async () => {
    const { freePort } = await import('../../../../test-support/ports')
    const port = await freePort()
    await app.saveProfile({
      id: 'none',
      name: 'none',
      host: '127.0.0.1',
      port,
      topics: []
    } as never)
    await app.invoke('connection:open', { profileId: 'none' })
    const status = await app.waitForState('none', 'reconnecting')
    expect(status.message).toBe(
      `Connection refused by 127.0.0.1:${port}: no broker is listening there.`
    )
    expect(status.attempt).toBe(1)
    expect(status.nextRetryAt).toBeGreaterThan(Date.now() - 100)
    await app.invoke('connection:close', { profileId: 'none' })
  })
})
