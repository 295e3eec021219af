import { describe, expect, it } from 'vitest'
import { BrokerLog, parseLogLine } from '../broker-log'
import { SysFigures, sysNumber } from '../sys-figures'

const value = (f: SysFigures, field: string) => f.figures().find((x) => x.field === field)!.value

/** One Mosquitto update: the uptime first, then the values that changed. */
function update(f: SysFigures, uptime: number, values: Record<string, string>): boolean {
  const tick = f.take('$SYS/broker/uptime', `${uptime} seconds`)
  for (const [topic, text] of Object.entries(values)) f.take(`$SYS/broker/${topic}`, text)
  return tick
}

describe('$SYS figures', () => {
  it('reads numbers the way Mosquitto writes them', () => {
    expect(sysNumber('1234 seconds')).toBe(1234)
    expect(sysNumber('0.50')).toBe(0.5)
    expect(sysNumber('mosquitto version 2.0.11')).toBeNaN()
  })

  it('gauges show as published; rates come from counters over the uptime between updates', () => {
    const f = new SysFigures()
    f.take('$SYS/broker/version', 'mosquitto version 2.0.11')
    // The retained values on subscribing, uptime among them.
    expect(update(f, 100, { 'clients/connected': '3', 'messages/received': '1000' })).toBe(false)
    expect(f.version).toBe('mosquitto version 2.0.11')
    expect(value(f, 'clients_connected')).toBe(3)
    expect(value(f, 'messages_in')).toBeNull()
    // The next update ends the first: still no rate, one snapshot only.
    expect(update(f, 102, { 'messages/received': '1100', 'bytes/received': '5000' })).toBe(true)
    expect(value(f, 'messages_in')).toBeNull()
    expect(update(f, 104, { 'messages/received': '1300', 'bytes/received': '6000' })).toBe(true)
    // 1000 -> 1100 over 100 s -> 102 s.
    expect(value(f, 'messages_in')).toBe(50)
    // Bytes were first published in that update: by how much they changed is not known.
    expect(value(f, 'bytes_in')).toBeNull()
    // Never published: unchanged since before we listened.
    expect(value(f, 'dropped')).toBe(0)
    expect(update(f, 106, {})).toBe(true)
    expect(value(f, 'messages_in')).toBe(100)
    expect(value(f, 'bytes_in')).toBe(500)
    // Not republished: unchanged.
    expect(update(f, 108, {})).toBe(true)
    expect(value(f, 'messages_in')).toBe(0)
    expect(f.uptime).toBe(108)
  })

  it('a repeated uptime is no update, and a broker restart starts the rates again', () => {
    const f = new SysFigures()
    update(f, 10, { 'messages/sent': '10' })
    update(f, 12, { 'messages/sent': '30' })
    expect(update(f, 14, { 'messages/sent': '50' })).toBe(true)
    expect(value(f, 'messages_out')).toBe(10)
    expect(f.take('$SYS/broker/uptime', '14 seconds')).toBe(false)
    update(f, 1, { 'messages/sent': '2' })
    update(f, 3, { 'messages/sent': '4' })
    update(f, 5, {})
    expect(value(f, 'messages_out')).toBe(1)
    expect(f.droppedTotal).toBeNull()
    f.take('$SYS/broker/publish/messages/dropped', '2')
    expect(f.droppedTotal).toBe(2)
  })
})

describe('the broker log on $SYS/broker/log', () => {
  it('finds drops, connects and disconnects in Mosquitto 2.0 lines', () => {
    expect(
      parseLogLine('1796283848: Outgoing messages are being dropped for client subA.', 0)
    ).toEqual({
      kind: 'dropping',
      clientId: 'subA',
      at: 1796283848000
    })
    expect(
      parseLogLine(
        '1796283848: New client connected from 127.0.0.1:57134 as my client (p2, c0, k60).',
        0
      )
    ).toEqual({ kind: 'online', clientId: 'my client', at: 1796283848000 })
    for (const line of [
      'Client dev-1 disconnected.',
      'Client dev-1 closed its connection.',
      'Client dev-1 has exceeded timeout, disconnecting.',
      'Client dev-1 disconnected due to protocol error.'
    ])
      expect(parseLogLine(`1796283848: ${line}`, 0)).toMatchObject({
        kind: 'offline',
        clientId: 'dev-1'
      })
    expect(parseLogLine('Client dev-1 already connected, closing old connection.', 5)).toBeNull()
    expect(parseLogLine('1796283848: Received PUBLISH from x (d0, q1, r0, m1)', 5)).toBeNull()
    // Without log_timestamp: the receive time.
    expect(parseLogLine('Client dev-2 disconnected.', 5)).toEqual({
      kind: 'offline',
      clientId: 'dev-2',
      at: 5
    })
  })

  it('counts drop events per client, newest first, and remembers the latest state', () => {
    const log = new BrokerLog()
    log.take('1700000100: Outgoing messages are being dropped for client a.', 0)
    log.take('1700000200: Outgoing messages are being dropped for client b.', 0)
    log.take('1700000300: Outgoing messages are being dropped for client a.', 0)
    log.take('1700000301: New client connected from 1.2.3.4:5 as a (p2, c1, k60).', 0)
    log.take('1700000302: Client b closed its connection.', 0)
    expect(log.dropEvents()).toEqual([
      { clientId: 'a', count: 2, lastAt: 1_700_000_300_000 },
      { clientId: 'b', count: 1, lastAt: 1_700_000_200_000 }
    ])
    expect([log.state('a'), log.state('b'), log.state('c')]).toEqual([
      'online',
      'offline',
      undefined
    ])
  })
})
