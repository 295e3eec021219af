// A fleet of simulated devices on a real broker, as a plant might have: `plant/line<L>/dev<N>/`
// with one data topic per device in one of five formats, and a retained JSON `meta` per device.
// Shared by the Vitest and Playwright tests, the benchmarks and the screenshot.
//   dev N % 5 = 0  .../bme     the reference CSV       22.31,1013.25,76.12
//               1  .../json    the reference JSON      [{"ts":…,"temp":22.3,"pressure":102583,"alt":76}]
//               2  .../temp    a plain number          21.5
//               3  .../status  a text status word      ok | warn
//               4  .../struct  12 bytes: three little-endian float32 (temperature, pressure, index),
//                              with MQTT 5 user properties naming the layout
import mqtt from 'mqtt'

export const FLEET_KINDS = ['bme', 'json', 'temp', 'status', 'struct'] as const
export type FleetKind = (typeof FLEET_KINDS)[number]

export interface FleetOptions {
  /** Broker URL, e.g. mqtt://127.0.0.1:1883. */
  url: string
  /** Devices (default 500). */
  devices?: number
  /** Lines devices are spread over (default 10). */
  lines?: number
  /** Each device publishes once per interval (default 1000 ms), spread evenly; 0: only round(). */
  intervalMs?: number
  /** Publish the retained `meta` of every device first (default true). */
  meta?: boolean
  /** Topics whose payloads are recorded (for tests that compare what arrived). */
  record?: readonly string[]
  /** Topic prefix (default 'plant'). */
  prefix?: string
  clientId?: string
}

export interface Fleet {
  /** Messages published so far (meta included). */
  readonly sent: number
  /** Payloads published on a recorded topic, in order. */
  recorded(topic: string): Buffer[]
  /** Publishes every device's next message now (tests that want exact rounds call this). */
  round(): Promise<void>
  stop(): Promise<void>
}

export function fleetTopic(device: number, lines = 10, prefix = 'plant'): string {
  const kind = FLEET_KINDS[device % FLEET_KINDS.length]
  return `${prefix}/line${device % lines}/dev${device}/${kind}`
}

export function metaTopic(device: number, lines = 10, prefix = 'plant'): string {
  return `${prefix}/line${device % lines}/dev${device}/meta`
}

/** The n-th payload of a device (deterministic, so tests can predict it). */
export function fleetPayload(device: number, n: number): Buffer {
  switch (FLEET_KINDS[device % FLEET_KINDS.length]) {
    case 'bme': {
      const t = 22.31 + (device % 50) * 0.1 + (n % 10) * 0.01
      return Buffer.from(`${t.toFixed(2)},${(1013.25 - (n % 7) * 0.05).toFixed(2)},76.12`)
    }
    case 'json': {
      const ts = Math.floor(Date.now() / 1000)
      const temp = Math.round((22.3 + (n % 10) * 0.1) * 10) / 10
      return Buffer.from(
        JSON.stringify([{ ts, temp, pressure: 102583 + (n % 100), alt: 76 + (device % 10) }])
      )
    }
    case 'temp':
      return Buffer.from((15 + (device % 30) + (n % 20) * 0.5).toFixed(1))
    case 'status':
      return Buffer.from(n % 4 === 3 ? 'warn' : 'ok')
    case 'struct': {
      const b = Buffer.alloc(12)
      b.writeFloatLE(20 + (device % 10) + (n % 8) * 0.25, 0)
      b.writeFloatLE(1000 + (n % 50), 4)
      b.writeFloatLE(device, 8)
      return b
    }
  }
}

export function fleetMeta(device: number, lines = 10): Buffer {
  return Buffer.from(
    JSON.stringify({
      model: 'ESP32+BMP280',
      fw: '1.4.2',
      line: device % lines,
      installed: 1586815920 + device
    })
  )
}

const STRUCT_PROPERTIES = {
  contentType: 'application/octet-stream',
  userProperties: { layout: 'f32le temperature,pressure,index' }
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const devices = options.devices ?? 500
  const lines = options.lines ?? 10
  const interval = options.intervalMs ?? 1000
  const prefix = options.prefix ?? 'plant'
  const client = await mqtt.connectAsync(options.url, {
    protocolVersion: 5,
    clientId: options.clientId ?? `fleet-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  })
  const recording = new Map<string, Buffer[]>((options.record ?? []).map((t) => [t, []]))
  const topics = Array.from({ length: devices }, (_, i) => fleetTopic(i, lines, prefix))
  const counts = new Uint32Array(devices)
  let sent = 0

  const publishDevice = (i: number): Promise<unknown> => {
    const payload = fleetPayload(i, counts[i]++)
    recording.get(topics[i])?.push(payload)
    sent++
    const isStruct = FLEET_KINDS[i % FLEET_KINDS.length] === 'struct'
    return client.publishAsync(topics[i], payload, {
      qos: 0,
      ...(isStruct
        ? {
            properties: {
              ...STRUCT_PROPERTIES,
              userProperties: { ...STRUCT_PROPERTIES.userProperties, device: `dev${i}` }
            }
          }
        : {})
    })
  }

  if (options.meta ?? true) {
    const pending: Promise<unknown>[] = []
    for (let i = 0; i < devices; i++) {
      sent++
      pending.push(
        client.publishAsync(metaTopic(i, lines, prefix), fleetMeta(i, lines), {
          qos: 1,
          retain: true
        })
      )
    }
    await Promise.all(pending)
  }

  // Spread each round over the interval in 10 ms steps.
  const STEP_MS = 10
  const perStep = interval > 0 ? Math.max(1, Math.ceil((devices * STEP_MS) / interval)) : 0
  let next = 0
  let stopped = false
  const timer =
    interval > 0
      ? setInterval(() => {
          for (let k = 0; k < perStep && !stopped; k++) {
            void publishDevice(next).catch(() => undefined)
            next = (next + 1) % devices
          }
        }, STEP_MS)
      : undefined

  return {
    get sent() {
      return sent
    },
    recorded: (topic) => recording.get(topic) ?? [],
    round: async () => {
      await Promise.all(topics.map((_, i) => publishDevice(i)))
    },
    stop: async () => {
      stopped = true
      clearInterval(timer)
      await client.endAsync()
    }
  }
}
