import type { SparkplugExtra } from '../../../../shared/sparkplug-types'
import {
  fmtCount,
  MAX_FIELD_NAME_BYTES,
  MAX_FIELDS_PER_MESSAGE,
  MAX_ROWS_PER_MESSAGE
} from '../../limits'
import { byteLength, LazyTextRow } from '../field-rows'
import { TextBuffer } from '../number-format'
import { longToNumber } from '../protobuf-long'
import type { DecodeOutcome, Decoder } from '../types'
import { tooLarge } from '../types'
import {
  aliasOf,
  has,
  sparkplugPayloadType,
  timestampOf,
  type SpMetric,
  type SpPayload
} from './sparkplug-payload'
import {
  type EntityRecord,
  type MetricInfo,
  type NodeRecord,
  type SparkplugState
} from './sparkplug-state'
import { parseSparkplugTopic, type SparkplugTopic } from './sparkplug-topic'
import {
  chartOf,
  chartValue,
  datatypeName,
  datatypeOf,
  datatypeOfKind,
  isChartType,
  viewValue
} from './sparkplug-values'
import { SparkplugWire } from './sparkplug-wire'
import { BD_SEQ, bdSeqOf, describeFailure, parseHostState, unitOf } from './sparkplug-payload-info'
import { noProblems, problemWarning, type Problems } from './sparkplug-problems'

/**
 * Sparkplug B (Eclipse Sparkplug 3.0) for one topic of one connection: metrics become series
 * under `<group>/<edge node>[/<device>]`, names resolved from aliases through the birth
 * certificates the connection's SparkplugState keeps; BIRTH, DEATH and seq update that state.
 */
export class SparkplugDecoder implements Decoder {
  readonly format = 'sparkplug'
  private readonly topic: SparkplugTopic | string
  private readonly rows: LazyTextRow[] = []
  private rowCount = 0
  private readonly text = new TextBuffer()
  /** Data messages of the usual shape, read without protobufjs. */
  private readonly wire = new SparkplugWire()
  private readonly wireInfo: (MetricInfo | undefined)[] = []

  constructor(
    topic: string,
    private readonly state: SparkplugState
  ) {
    this.topic = parseSparkplugTopic(topic)
  }

  decode(payload: Uint8Array, receivedAt: number): DecodeOutcome {
    const topic = this.topic
    if (typeof topic === 'string') return { ok: false, error: topic }
    const large = tooLarge(payload)
    if (large) return { ok: false, error: large }
    if (topic.kind === 'state') return this.hostState(topic.host, payload)
    const data = topic.type === 'NDATA' || topic.type === 'DDATA'
    const wire = data && this.wire.read(payload) ? this.wire : null
    let p: SpPayload | null = null
    if (!wire) {
      try {
        p = sparkplugPayloadType().decode(payload) as unknown as SpPayload
      } catch (error) {
        return { ok: false, error: describeFailure(error, payload.byteLength) }
      }
    }
    const node = this.state.node(topic.group, topic.edgeNode)
    if (typeof node === 'string') return { ok: false, error: node }
    let entity: EntityRecord = node
    if (topic.device !== undefined) {
      const device = this.state.device(node, topic.device)
      if (typeof device === 'string') return { ok: false, error: device }
      entity = device
    }
    if (wire) {
      const problems = noProblems()
      if (this.resolveWire(entity, wire, problems)) {
        const at = wire.timestamp === wire.timestamp ? wire.timestamp : receivedAt
        const seq = wire.seq === wire.seq ? wire.seq : undefined
        return this.wireMetrics(entity, wire, at, this.sequence(node, seq), problems)
      }
      // Something only the full decoder handles (a metric this message names first, a value
      // that is not a number): decoded again by protobufjs.
      try {
        p = sparkplugPayloadType().decode(payload) as unknown as SpPayload
      } catch (error) {
        return { ok: false, error: describeFailure(error, payload.byteLength) }
      }
    }
    p = p!
    const seq = has(p, 'seq') ? longToNumber(p.seq, false) : undefined
    const at = has(p, 'timestamp') ? longToNumber(p.timestamp, false) : receivedAt
    switch (topic.type) {
      case 'NBIRTH':
        this.state.nodeBirth(node, bdSeqOf(p), seq, at)
        return this.metrics(entity, p, at, true, null)
      case 'NDEATH':
        this.state.nodeDeath(node, bdSeqOf(p), at)
        return { ok: true, rows: [] }
      case 'DBIRTH':
        return this.metrics(entity, p, at, true, this.sequence(node, seq))
      case 'DDEATH': {
        const gap = this.sequence(node, seq)
        this.state.deviceDeath(entity, at)
        return gap ? { ok: true, rows: [], warning: gap } : { ok: true, rows: [] }
      }
      case 'NDATA':
      case 'DDATA':
        return this.metrics(entity, p, at, false, this.sequence(node, seq))
      default:
        // NCMD and DCMD: commands from a host application to the node, shown, not charted.
        return { ok: true, rows: [], extras: this.commandExtras(entity, p, at) }
    }
  }

  private sequence(node: NodeRecord, seq: number | undefined): string | null {
    const expected = node.nextSeq
    if (this.state.sequence(node, seq)) return null
    return `Sparkplug seq ${seq} where ${expected} was expected: messages from ${node.view.series} were lost or reordered`
  }

  /** A birth certificate (which also carries values) or a data message: rows and extras. */
  private metrics(
    entity: EntityRecord,
    p: SpPayload,
    at: number,
    birth: boolean,
    gap: string | null
  ): DecodeOutcome {
    const problems = noProblems()
    if (birth) {
      const refused = this.learnBirth(entity, p, at, problems)
      if (refused) return { ok: false, error: refused }
    }
    this.rowCount = 0
    this.text.reset()
    let extras: SparkplugExtra[] | null = null
    const metrics = p.metrics
    for (let i = 0; i < metrics.length; i++) {
      const m = metrics[i]
      let info: MetricInfo | undefined
      const name = m.name
      if (name) {
        info = entity.byName.get(name) ?? this.learnMetric(entity, m, problems)
      } else {
        const alias = aliasOf(m)
        if (alias === undefined) problems.unnamed++
        else {
          info = entity.byAlias.get(alias)
          if (!info) (problems.unknown ??= []).push(alias)
        }
      }
      if (!info) continue
      const datatype = m.datatype || info.datatype || datatypeOf(m, undefined)
      const t = timestampOf(m) ?? at
      if (isChartType(datatype)) {
        if (info.field >= 0) {
          const refused = this.put(entity, t, info.field, chartValue(m, datatype))
          if (refused) return { ok: false, error: refused }
        }
      } else {
        ;(extras ??= []).push({
          series: entity.view.series,
          metric: info.name,
          t,
          datatype: datatypeName(datatype),
          value: viewValue(m, datatype)
        })
      }
    }
    return this.finish(entity, problems, gap, extras)
  }

  private finish(
    entity: EntityRecord,
    problems: Problems,
    gap: string | null,
    extras: SparkplugExtra[] | null
  ): DecodeOutcome {
    const rows = this.finishRows()
    const problem = problemWarning(problems, entity.view.series, (aliases) =>
      this.state.unknownAliases(entity, aliases)
    )
    const warning = gap && problem ? `${gap}; ${problem}` : (gap ?? problem)
    const outcome: DecodeOutcome = { ok: true, rows }
    if (warning) outcome.warning = warning
    if (extras) outcome.extras = extras
    return outcome
  }

  /**
   * Each metric's known info (in `wireInfo`), counting unnamed ones and unknown aliases;
   * false when the message needs the full decoder: a name no birth gave, or a value that
   * is not charted (text, DataSets... which are shown in the inspector).
   */
  private resolveWire(entity: EntityRecord, wire: SparkplugWire, problems: Problems): boolean {
    const infos = this.wireInfo
    for (let i = 0; i < wire.count; i++) {
      let info: MetricInfo | undefined
      const name = wire.name[i]
      if (name) {
        info = entity.byName.get(name)
        if (!info) return false
      } else {
        const alias = wire.alias[i]
        if (alias !== alias) problems.unnamed++
        else {
          info = entity.byAlias.get(alias)
          if (!info) (problems.unknown ??= []).push(alias)
        }
      }
      infos[i] = info
      if (!info) continue
      const datatype = wire.datatype[i] || info.datatype || datatypeOfKind(wire.kind[i])
      if (!isChartType(datatype)) return false
    }
    return true
  }

  /** metrics() for a data message read from the wire and resolved by resolveWire(). */
  private wireMetrics(
    entity: EntityRecord,
    wire: SparkplugWire,
    at: number,
    gap: string | null,
    problems: Problems
  ): DecodeOutcome {
    this.rowCount = 0
    this.text.reset()
    const infos = this.wireInfo
    for (let i = 0; i < wire.count; i++) {
      const info = infos[i]
      if (!info || info.field < 0) continue
      const datatype = wire.datatype[i] || info.datatype || datatypeOfKind(wire.kind[i])
      const ts = wire.metricTimestamp[i]
      const v = wire.isNull[i]
        ? NaN
        : chartOf(
            datatype,
            wire.kind[i],
            wire.int[i],
            wire.longUnsigned[i],
            wire.longSigned[i],
            wire.num[i]
          )
      const refused = this.put(entity, ts === ts ? ts : at, info.field, v)
      if (refused) return { ok: false, error: refused }
    }
    return this.finish(entity, problems, gap, null)
  }

  /** Records a birth certificate's metrics in the state; a reason when it cannot be kept. */
  private learnBirth(
    entity: EntityRecord,
    p: SpPayload,
    at: number,
    problems: Problems
  ): string | undefined {
    const list: { name: string; alias?: number; info: MetricInfo }[] = []
    const fields: string[] = []
    for (const m of p.metrics) {
      if (!has(m, 'name') || !m.name) {
        problems.unnamed++
        continue
      }
      const name = m.name
      const datatype = datatypeOf(m, undefined)
      const field = this.fieldFor(name, datatype, fields.length, problems)
      if (field >= 0) fields.push(name)
      list.push({
        name,
        ...(has(m, 'alias') ? { alias: longToNumber(m.alias, false) } : {}),
        info: { name, datatype, field, unit: unitOf(m) }
      })
    }
    // The same names as the last birth keep the same array, so the series stay put.
    const same =
      fields.length === entity.fields.length && fields.every((f, i) => f === entity.fields[i])
    return this.state.birth(entity, list, same ? entity.fields : Object.freeze(fields), at)
  }

  /** A metric a data message names that no birth did: kept from now on. */
  private learnMetric(
    entity: EntityRecord,
    m: SpMetric,
    problems: Problems
  ): MetricInfo | undefined {
    const name = m.name!
    const datatype = datatypeOf(m, undefined)
    const field = this.fieldFor(name, datatype, entity.fields.length, problems)
    const info: MetricInfo = { name, datatype, field, unit: unitOf(m) }
    const fields = field >= 0 ? Object.freeze([...entity.fields, name]) : entity.fields
    if (!this.state.learn(entity, info, fields)) return undefined
    if (field >= 0) {
      // Rows already begun in this message get the new field too.
      for (let r = 0; r < this.rowCount; r++) {
        this.rows[r].fields = fields
        this.rows[r].values.push(NaN)
      }
    }
    return info
  }

  /** The charted field index for a new metric, or -1 (with the reason counted). */
  private fieldFor(name: string, datatype: number, next: number, problems: Problems): number {
    if (!isChartType(datatype) || name === BD_SEQ) return -1
    if (name.length > MAX_FIELD_NAME_BYTES / 3 && byteLength(name) > MAX_FIELD_NAME_BYTES) {
      problems.longNames++
      return -1
    }
    if (next >= MAX_FIELDS_PER_MESSAGE) {
      problems.notCharted++
      return -1
    }
    return next
  }

  /** Puts a value into the row for its time (a new row when that slot is taken). */
  private put(entity: EntityRecord, t: number, field: number, v: number): string | undefined {
    for (let r = 0; r < this.rowCount; r++) {
      const row = this.rows[r]
      if (row.t === t && row.values[field] !== row.values[field]) {
        row.values[field] = v
        return undefined
      }
    }
    if (this.rowCount >= MAX_ROWS_PER_MESSAGE)
      return `Sparkplug message has metrics at more than ${fmtCount(MAX_ROWS_PER_MESSAGE)} different times, the limit per message`
    let row = this.rows[this.rowCount]
    if (!row) {
      row = new LazyTextRow(entity.fields, this.text)
      this.rows.push(row)
    }
    this.rowCount++
    row.t = t
    row.fields = entity.fields
    row.seriesTopic = entity.view.series
    const values = row.values
    const n = entity.fields.length
    if (values.length !== n) values.length = n
    for (let i = 0; i < n; i++) values[i] = NaN
    values[field] = v
    return undefined
  }

  private finishRows(): LazyTextRow[] {
    const rows = this.rows.slice(0, this.rowCount)
    for (const row of rows) row.stale()
    return rows
  }

  private commandExtras(entity: EntityRecord, p: SpPayload, at: number): SparkplugExtra[] {
    return p.metrics.map((m) => {
      const alias = has(m, 'alias') ? longToNumber(m.alias, false) : undefined
      const info = m.name
        ? entity.byName.get(m.name)
        : alias !== undefined
          ? entity.byAlias.get(alias)
          : undefined
      const datatype = datatypeOf(m, info?.datatype)
      return {
        series: entity.view.series,
        metric: m.name || info?.name || (alias !== undefined ? `alias ${alias}` : ''),
        t: has(m, 'timestamp') ? longToNumber(m.timestamp, false) : at,
        datatype: datatypeName(datatype),
        value: viewValue(m, datatype)
      }
    })
  }

  /** `spBv1.0/STATE/<host>`: JSON `{"online": true, "timestamp": …}` (3.0) or ONLINE/OFFLINE. */
  private hostState(host: string, payload: Uint8Array): DecodeOutcome {
    const parsed = parseHostState(payload)
    if (typeof parsed === 'string') return { ok: false, error: parsed }
    const { online, timestamp } = parsed
    this.state.host(host, online, timestamp)
    return { ok: true, rows: [] }
  }
}
