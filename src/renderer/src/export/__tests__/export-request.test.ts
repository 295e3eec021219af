import { describe, expect, it } from 'vitest'
import type { CaptureInfo } from '../../../../shared/types'
import { allChoices, available, buildExportRequest, formatBytes } from '../export-request'

const capture = (id: string, topics: string[], fields: [string, string][]): CaptureInfo => ({
  id,
  startedAt: 1_700_000_000_000,
  endedAt: 1_700_000_060_000,
  messages: 10,
  bytes: 1000,
  active: false,
  topics,
  fields: fields.map(([name, unit]) => ({ name, unit }))
})

const captures = [
  capture(
    'a',
    ['esp32.out'],
    [
      ['temperature', '°C'],
      ['pressure', 'hPa']
    ]
  ),
  capture(
    'b',
    ['esp32b.out', 'esp32.out'],
    [
      ['temp', '°C'],
      ['pressure', '']
    ]
  )
]

describe('the export form', () => {
  it('offers the union of topics and fields of the chosen captures, keeping a known unit', () => {
    expect(available(captures, new Set(['a', 'b']))).toEqual({
      topics: ['esp32.out', 'esp32b.out'],
      fields: [
        { name: 'temperature', unit: '°C' },
        { name: 'pressure', unit: 'hPa' },
        { name: 'temp', unit: '°C' }
      ]
    })
    expect(available(captures, new Set(['a'])).topics).toEqual(['esp32.out'])
  })

  it('sends no filters when everything is chosen', () => {
    expect(buildExportRequest('x', captures, allChoices(captures))).toEqual({
      ok: true,
      request: { exportId: 'x', format: 'wide' }
    })
  })

  it('sends only the chosen captures, topics and fields, and the long layout', () => {
    const choices = { ...allChoices(captures), format: 'long' as const, captures: new Set(['b']) }
    choices.topics.delete('esp32.out')
    choices.fields.delete('pressure')
    const built = buildExportRequest('x', captures, choices)
    expect(built).toEqual({
      ok: true,
      request: {
        exportId: 'x',
        format: 'long',
        captureIds: ['b'],
        topics: ['esp32b.out'],
        fields: ['temp']
      }
    })
  })

  it('turns the local time range into epoch ms, including the whole last minute', () => {
    const choices = { ...allChoices(captures), from: '2024-03-01T10:00', to: '2024-03-01T10:30' }
    const built = buildExportRequest('x', captures, choices)
    expect(built.ok && built.request.fromMs).toBe(new Date('2024-03-01T10:00').getTime())
    expect(built.ok && built.request.toMs).toBe(new Date('2024-03-01T10:30').getTime() + 59_999)
  })

  it('explains what is wrong instead of sending a request that cannot export anything', () => {
    const none = { ...allChoices(captures), captures: new Set<string>() }
    expect(buildExportRequest('x', captures, none)).toEqual({
      ok: false,
      error: 'Choose at least one capture.'
    })
    const noTopics = { ...allChoices(captures), topics: new Set<string>() }
    expect(buildExportRequest('x', captures, noTopics)).toEqual({
      ok: false,
      error: 'Choose at least one topic.'
    })
    const backwards = { ...allChoices(captures), from: '2024-03-02T00:00', to: '2024-03-01T00:00' }
    expect(buildExportRequest('x', captures, backwards)).toEqual({
      ok: false,
      error: '"From" must be before "To".'
    })
  })

  it('prints sizes in human units', () => {
    expect([
      formatBytes(512),
      formatBytes(2048),
      formatBytes(5 * 1024 ** 2),
      formatBytes(3 * 1024 ** 3)
    ]).toEqual(['512 B', '2.0 kB', '5.0 MB', '3.00 GB'])
  })
})
