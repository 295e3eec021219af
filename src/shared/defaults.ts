// Starting points for profiles, shared by the core (demo, first run) and the settings form.
import { decoderSchema, profileSchema, type Profile } from './schemas'

export const DEMO_PROFILE_ID = 'demo'
export const DEMO_CSV_TOPIC = 'esp32.out'
export const DEMO_JSON_TOPIC = 'esp32b.out'

export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10)
}

export function newProfile(id: string, overrides: Partial<Profile> = {}): Profile {
  return profileSchema.parse({
    id,
    name: 'My broker',
    host: 'localhost',
    port: 1883,
    clientId: `mqtt-live-monitor-${randomSuffix()}`,
    topics: [{ filter: DEMO_CSV_TOPIC, qos: 0 }],
    ...overrides
  })
}

/** The built-in demo: an embedded broker and two simulated ESP32 + BMP280 sensors. */
export function demoProfile(port: number): Profile {
  return newProfile(DEMO_PROFILE_ID, {
    name: 'Demo sensors',
    host: '127.0.0.1',
    port,
    clientId: `mqtt-live-monitor-demo-${randomSuffix()}`,
    topics: [
      { filter: DEMO_CSV_TOPIC, qos: 0, decoder: decoderSchema.parse({ format: 'csv' }) },
      {
        filter: DEMO_JSON_TOPIC,
        qos: 0,
        decoder: decoderSchema.parse({
          format: 'json',
          units: { temp: '°C', pressure: 'Pa', alt: 'm' }
        })
      }
    ]
  })
}
