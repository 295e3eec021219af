import * as net from 'node:net'
import { Aedes } from 'aedes'

export interface DemoBroker {
  port: number
  close(): Promise<void>
}

/** An embedded MQTT 3.1.1 broker on 127.0.0.1 and a free port: the demo needs no install. */
export async function startDemoBroker(): Promise<DemoBroker> {
  const aedes = await Aedes.createBroker()
  const server = net.createServer(aedes.handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as net.AddressInfo).port
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        aedes.close(() => server.close(() => resolve()))
      })
  }
}
