// Decoding a capture again: CSV captured with the wrong column names and a topic captured as
// raw, the rules fixed afterwards, then "Decode again": the charts and the export use the new
// names and values, and nothing is lost. A real Mosquitto and the real core.
import * as fs from 'node:fs'
import { csvParse } from 'd3-dsv'
import { expect, it } from 'vitest'
import { decoderSchema } from '../../../../shared/schemas'
import {
  coreHarnessForSuite,
  describeWithMosquitto
} from '../../../../../test-support/vitest-suites'

const readings = Array.from(
  { length: 50 },
  (_, i) => `${(20 + i / 10).toFixed(2)},${(1000 + i).toFixed(2)},${(70 + i / 4).toFixed(2)}`
)

describeWithMosquitto('decode a capture again', { password: false }, (broker) => {
  const app = coreHarnessForSuite()

  it('after the CSV columns are named right, charts and export follow; nothing is lost', async () => {
    const profile = {
      id: 'lab',
      name: 'Lab',
      host: '127.0.0.1',
      port: broker.ports.anonymous!,
      topics: [
        {
          filter: 'lab/esp32',
          qos: 1,
          decoder: decoderSchema.parse({ format: 'csv', csvColumns: ['a', 'b', 'c'] })
        },
        { filter: 'lab/level', qos: 1, decoder: decoderSchema.parse({ format: 'raw' }) }
      ]
    }
    await app.connect(profile as never, { broker })
    await broker.publish('lab/esp32', readings, { qos: 1 })
    await broker.publish('lab/level', ['41.5', '42'], { qos: 1 })
    expect(await app.waitForCount('lab/esp32', 'a', 50)).toHaveLength(50)
    let resets = 0
    app.on('capture:reset', () => resets++)

    // The rules fixed: named columns with their units, and the level as a number.
    await app.saveProfile({
      ...profile,
      topics: [
        {
          filter: 'lab/esp32',
          qos: 1,
          decoder: decoderSchema.parse({
            format: 'csv',
            csvColumns: ['temperature', 'pressure', 'altitude']
          })
        },
        {
          filter: 'lab/level',
          qos: 1,
          decoder: decoderSchema.parse({ format: 'number', numberField: 'level' })
        }
      ]
    } as never)
    const [capture] = await app.invoke('capture:list')
    const result = await app.invoke('capture:redecode', { captureId: capture.id })
    expect(result).toMatchObject({ messages: 52, decoded: 52, failed: 0, kept: 0 })
    expect(resets).toBe(1)

    // The charts: only the new names, with the published values.
    const snap = await app.invoke('capture:snapshot', {})
    const fields = snap.defs.map((d) => `${d.topic} ${d.field} ${d.unit}`).sort()
    expect(fields).toEqual([
      'lab/esp32 altitude m',
      'lab/esp32 pressure hPa',
      'lab/esp32 temperature °C',
      'lab/level level '
    ])
    expect(await app.values('lab/esp32', 'temperature')).toEqual(
      readings.map((r) => Number(r.split(',')[0]))
    )
    expect(await app.values('lab/level', 'level')).toEqual([41.5, 42])

    // The export: new columns, every message, exactly the published text.
    const done = await app.invoke('export:start', { exportId: 'after', captureIds: [capture.id] })
    expect(done).toMatchObject({ status: 'done', rows: 52 })
    const text = fs.readFileSync(`${app.dataDir}/exports/after.csv`, 'utf8').slice(1)
    expect(text.split('\r\n')[0]).toBe(
      'time,epoch_ms,topic,temperature (°C),pressure (hPa),altitude (m),level'
    )
    const rows = csvParse(text)
    expect(
      rows
        .filter((r) => r.topic === 'lab/esp32')
        .map((r) => `${r['temperature (°C)']},${r['pressure (hPa)']},${r['altitude (m)']}`)
    ).toEqual(readings)
    expect(rows.filter((r) => r.topic === 'lab/level').map((r) => r.level)).toEqual(['41.5', '42'])

    // Capture goes on into a new capture, with the fixed rules.
    await broker.publish('lab/esp32', ['30.00,1100.00,80.00'], { qos: 1 })
    expect(await app.waitForCount('lab/esp32', 'temperature', 51)).toContain(30)
  })
})
