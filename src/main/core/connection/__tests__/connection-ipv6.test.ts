import * as net from 'node:net'
import { expect, it } from 'vitest'
import {
  describeWithMosquitto,
  coreHarnessForSuite
} from '../../../../../test-support/vitest-suites'
import { freePort } from '../../../../../test-support/ports'
import { readings } from '../../../../../test-support/broker-log'
import { tlsSchema, type Transport } from '../../../../shared/schemas'

/** Whether this machine has an IPv6 loopback (`::1` on lo) a server can listen on. */
function ipv6Loopback(): Promise<{ ok: true } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', (error) =>
      resolve({ ok: false, reason: `no IPv6 loopback here (listen on ::1: ${error.message})` })
    )
    server.listen(0, '::1', () => server.close(() => resolve({ ok: true })))
  })
}

const v6 = await ipv6Loopback()
const BROKER = {
  host: '::1',
  tls: true,
  websockets: true,
  wss: true,
  skip: v6.ok ? '' : v6.reason
} as const

describeWithMosquitto(
  'an IPv6 broker address on every transport (Mosquitto on ::1)',
  BROKER,
  (broker) => {
    const app = coreHarnessForSuite()

    const listener = { mqtt: 'anonymous', mqtts: 'tls', ws: 'websockets', wss: 'wss' } as const

    it.each([
      ['mqtt', '::1'],
      ['mqtt', '[::1]'],
      ['mqtts', '::1'],
      ['ws', '::1'],
      ['ws', '[::1]'],
      ['wss', '::1']
    ] as [Transport, string][])('%s to host %s connects and receives', async (transport, host) => {
      const id = `v6-${transport}-${host.length}`
      const topic = `v6/${id}`
      const certs = broker.certs!
      const secure = transport === 'mqtts' || transport === 'wss'
      await app.connect(
        {
          id,
          name: id,
          clientId: `client-${id}`,
          transport,
          host,
          port: broker.ports[listener[transport]]!,
          topics: [{ filter: topic, qos: 1 }],
          // The server certificate names IP ::1, so it is checked as usual.
          ...(secure
            ? {
                tls: tlsSchema.parse({
                  ca: certs.caCert,
                  cert: certs.clientCert,
                  key: certs.clientKeyPlain
                })
              }
            : {})
        } as never,
        { broker }
      )
      await broker.publish(topic, readings(3), { qos: 1 })
      expect(await app.waitForCount(topic, 'temperature', 3)).toEqual([0, 1, 2])
      await app.invoke('connection:close', { profileId: id })
    })

    it('names an IPv6 address in brackets when nothing listens there', async () => {
      const port = await freePort('::1')
      await app.saveProfile({
        id: 'v6-refused',
        name: 'v6',
        clientId: 'v6-refused',
        host: '::1',
        port
      })
      await app.invoke('connection:open', { profileId: 'v6-refused' })
      const status = await app.waitForState('v6-refused', 'reconnecting')
      expect(status.message).toBe(
        `Connection refused by [::1]:${port}: no broker is listening there.`
      )
      await app.invoke('connection:close', { profileId: 'v6-refused' })
    })
  }
)
