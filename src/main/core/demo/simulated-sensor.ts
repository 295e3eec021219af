import mqtt, { type MqttClient } from 'mqtt'
import { DEMO_CSV_TOPIC, DEMO_JSON_TOPIC } from '../../../shared/defaults'

/** BMP280-like readings that drift slowly, as a sensor on a desk does. */
export class BarometerModel {
  private temperature: number
  private pressure: number // hPa
  private phase = Math.random() * Math.PI * 2

  constructor(
    temperature = 22.3,
    pressure = 1013.25,
    private readonly seaLevel = 1022.4,
    private readonly random: () => number = Math.random
  ) {
    this.temperature = temperature
    this.pressure = pressure
  }

  next(): { temperature: number; pressure: number; altitude: number } {
    this.phase += 0.05
    this.temperature += (this.random() - 0.5) * 0.08 + Math.sin(this.phase) * 0.02
    this.temperature = Math.min(35, Math.max(10, this.temperature))
    this.pressure += (this.random() - 0.5) * 0.12 + Math.cos(this.phase / 3) * 0.03
    this.pressure = Math.min(1050, Math.max(980, this.pressure))
    // The hypsometric formula the Adafruit BMP280 library uses for readAltitude().
    const altitude = 44330 * (1 - Math.pow(this.pressure / this.seaLevel, 0.1903))
    return { temperature: this.temperature, pressure: this.pressure, altitude }
  }
}

/** Reference CSV payload: `%.2f,%.2f,%.2f` = temperature °C, pressure hPa, altitude m. */
export function csvPayload(r: { temperature: number; pressure: number; altitude: number }): string {
  return `${r.temperature.toFixed(2)},${r.pressure.toFixed(2)},${r.altitude.toFixed(2)}`
}

/** Reference JSON payload: `[{"ts":<epoch s>,"temp":22.3,"pressure":102583,"alt":76}]`, pressure in Pa. */
export function jsonPayload(
  r: { temperature: number; pressure: number; altitude: number },
  now: number
): string {
  return JSON.stringify([
    {
      ts: Math.floor(now / 1000),
      temp: Math.round(r.temperature * 10) / 10,
      pressure: Math.round(r.pressure * 100),
      alt: Math.round(r.altitude)
    }
  ])
}

export interface SimulatedSensors {
  stop(): Promise<void>
}

/**
 * Two simulated ESP32 + BMP280 devices publishing once a second over real MQTT: one in the
 * CSV format, one in the JSON format.
 */
export async function startSimulatedSensors(
  port: number,
  intervalMs = 1000
): Promise<SimulatedSensors> {
  const clients: MqttClient[] = []
  const timers: ReturnType<typeof setInterval>[] = []
  const devices = [
    {
      id: 'esp32-csv',
      topic: DEMO_CSV_TOPIC,
      model: new BarometerModel(22.3, 1013.25),
      format: 'csv' as const
    },
    {
      id: 'esp32-json',
      topic: DEMO_JSON_TOPIC,
      model: new BarometerModel(21.1, 1012.8),
      format: 'json' as const
    }
  ]
  for (const device of devices) {
    const client = await mqtt.connectAsync({
      host: '127.0.0.1',
      port,
      clientId: `${device.id}-${process.pid}`,
      reconnectPeriod: 1000
    })
    clients.push(client)
    const publish = (): void => {
      const reading = device.model.next()
      const payload =
        device.format === 'csv' ? csvPayload(reading) : jsonPayload(reading, Date.now())
      client.publish(device.topic, payload, { qos: 0 })
    }
    publish()
    timers.push(setInterval(publish, intervalMs))
  }
  return {
    stop: async () => {
      timers.forEach(clearInterval)
      await Promise.all(clients.map((c) => c.endAsync(true)))
    }
  }
}
