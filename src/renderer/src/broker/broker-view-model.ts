// What the broker view shows, as plain functions: charts of the $SYS series, figures in words,
// and the queue table's form turned into options (with plain-words errors).
import {
  qshapeOptionsSchema,
  type ClientState,
  type QshapeGroup,
  type QshapeOptions,
  type SysFigure
} from '../../../shared/broker-types'
import { DEFAULT_WINDOW } from '../charts/domain'
import type { ChartConfig } from '../charts/layout'

type FigureName = Pick<SysFigure, 'field' | 'unit'>

/** The figures' names and units as one string: what the charts depend on. */
export function figureShape(figures: readonly FigureName[]): string {
  return figures.map((f) => `${f.field}=${f.unit}`).join(';')
}

export function parseFigureShape(shape: string): FigureName[] {
  if (!shape) return []
  return shape.split(';').map((part) => {
    const at = part.indexOf('=')
    return { field: part.slice(0, at), unit: part.slice(at + 1) }
  })
}

/** One chart per unit, in the order the figures come: clients, msg/s, B/s, messages, B, … */
export function brokerCharts(
  connection: string,
  topic: string,
  figures: readonly FigureName[]
): ChartConfig[] {
  const units: string[] = []
  for (const f of figures) if (!units.includes(f.unit)) units.push(f.unit)
  return units.map((unit) => ({
    id: `broker-${unit}`,
    series: figures
      .filter((f) => f.unit === unit)
      .map((f) => ({ connection, topic, field: f.field })),
    hidden: [],
    window: DEFAULT_WINDOW
  }))
}

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 })

export function figureText(figure: SysFigure): string {
  if (figure.value === null) return 'not reported yet'
  return `${number.format(figure.value)} ${figure.unit}`
}

export function uptimeText(seconds: number | null): string {
  if (seconds === null) return 'not reported yet'
  const d = Math.floor(seconds / 86400)
  const h = Math.floor((seconds % 86400) / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = Math.floor(seconds % 60)
  if (d > 0) return `${d} d ${h} h`
  if (h > 0) return `${h} h ${m} min`
  if (m > 0) return `${m} min ${s} s`
  return `${s} s`
}

export const STATE_WORDS: Record<ClientState, string> = {
  online: 'online',
  offline: 'offline',
  expired: 'expired session',
  unknown: 'not known'
}

export const GROUP_WORDS: Record<QshapeGroup, string> = {
  subscriber: 'Subscriber client id',
  publisher: 'Publisher client id',
  topic: 'Topic'
}

/** Spoken name of an age column: "under 1 minute", "1 to 2 minutes", "over 256 minutes". */
export function ageColumnWords(labels: readonly string[], index: number): string {
  const label = labels[index]
  const minutes = (n: string): string => `${n} ${n === '1' ? 'minute' : 'minutes'}`
  if (label.endsWith('+')) return `over ${minutes(label.slice(0, -1))}`
  if (index === 0) return `under ${minutes(label)}`
  return `${labels[index - 1]} to ${label} minutes`
}

/** The table's form as typed: numbers stay text until read. */
export interface QueueForm {
  file: string
  interval: string
  groupBy: QshapeGroup
  levels: string
  buckets: string
  first: string
  linear: boolean
  top: string
  showAll: boolean
}

export function formFromOptions(file: string, o: QshapeOptions): QueueForm {
  return {
    file,
    interval: o.intervalSeconds === null ? '' : String(o.intervalSeconds),
    groupBy: o.groupBy,
    levels: String(o.topicLevels),
    buckets: String(o.buckets),
    first: String(o.firstBucketMinutes),
    linear: o.linear,
    top: String(o.top === 0 ? 20 : o.top),
    showAll: o.top === 0
  }
}

/** Options for 'broker:qshape', or what is wrong with the form in words. */
export function optionsFromForm(
  form: QueueForm
): { ok: true; file: string; options: QshapeOptions } | { ok: false; error: string } {
  const file = form.file.trim()
  if (!file) return { ok: false, error: 'Enter the path of the persistence file (mosquitto.db).' }
  const whole = (text: string, what: string, min: number, max: number): number | string => {
    const n = Number(text)
    if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max)
      return `${what} must be a whole number from ${min} to ${max}.`
    return n
  }
  const interval =
    form.interval.trim() === '' ? null : whole(form.interval, 'The expiry interval', 1, 0xffffffff)
  const levels = whole(form.levels, 'Topic levels', 1, 32)
  const buckets = whole(form.buckets, 'Age columns', 1, 40)
  const top = whole(form.top, 'Rows', 1, 1_000_000)
  const first = Number(form.first)
  for (const v of [interval, levels, buckets, top])
    if (typeof v === 'string') return { ok: false, error: v }
  if (form.first.trim() === '' || !(first > 0) || first > 1e7)
    return { ok: false, error: 'The first age column must be a positive number of minutes.' }
  return {
    ok: true,
    file,
    options: qshapeOptionsSchema.parse({
      groupBy: form.groupBy,
      topicLevels: levels,
      buckets,
      firstBucketMinutes: first,
      linear: form.linear,
      intervalSeconds: interval,
      top: form.showAll ? 0 : top
    })
  }
}
