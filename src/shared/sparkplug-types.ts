// What the core knows about Sparkplug B traffic, in shapes the renderer can show: the state of
// each edge node and device, and the metric values that are not charted (text, dates, bytes,
// DataSets, Templates, arrays) for the inspector.

export type SparkplugMessageType =
  'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD' | 'DBIRTH' | 'DDEATH' | 'DDATA' | 'DCMD'

/** Sparkplug data type names, indexed by their number in the specification. */
export const SPARKPLUG_DATATYPES = [
  'Unknown',
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Float',
  'Double',
  'Boolean',
  'String',
  'DateTime',
  'Text',
  'UUID',
  'DataSet',
  'Bytes',
  'File',
  'Template',
  'PropertySet',
  'PropertySetList',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Int64Array',
  'UInt8Array',
  'UInt16Array',
  'UInt32Array',
  'UInt64Array',
  'FloatArray',
  'DoubleArray',
  'BooleanArray',
  'StringArray',
  'DateTimeArray'
] as const

export type SparkplugCell = number | boolean | string | null

/** One metric value as the inspector shows it. */
export type SparkplugValue =
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'string'; value: string }
  /** DateTime: epoch milliseconds. */
  | { kind: 'datetime'; value: number }
  /** Bytes and File: the size and the first bytes in hex. */
  | { kind: 'bytes'; size: number; head: string }
  | {
      kind: 'dataset'
      columns: string[]
      types: string[]
      rows: SparkplugCell[][]
      /** Rows left out beyond the shown ones. */
      moreRows: number
    }
  | {
      kind: 'template'
      templateRef?: string
      version?: string
      isDefinition: boolean
      metrics: SparkplugMetricView[]
      parameters: { name: string; type: string; value: SparkplugCell }[]
    }
  | { kind: 'array'; values: SparkplugCell[] }
  | { kind: 'null' }
  /** Something the app does not show (property sets, extensions, a malformed array). */
  | { kind: 'unsupported'; reason: string }

export interface SparkplugMetricView {
  /** From the metric, or from its alias in the birth certificate; '' when neither is known. */
  name: string
  alias?: number
  datatype: string
  /** Epoch ms of the metric, when it has one. */
  timestamp?: number
  historical: boolean
  transient: boolean
  value: SparkplugValue
}

/** A metric value that is not charted, from a decoded message, for the inspector. */
export interface SparkplugExtra {
  /** The series topic: `<group>/<edge node>[/<device>]`. */
  series: string
  metric: string
  /** Epoch ms: the metric's timestamp, else the payload's, else the receive time. */
  t: number
  datatype: string
  value: SparkplugValue
}

/** An edge node (no `device`) or a device, as the topic tree shows it. */
export interface SparkplugEntityState {
  group: string
  edgeNode: string
  device?: string
  /** Where its metrics are charted: the series topic `<group>/<edge node>[/<device>]`. */
  series: string
  /**
   * Online from its BIRTH until its DEATH (a node's DEATH takes its devices offline, and a
   * node's new BIRTH too until each device is born again); unknown until either is seen.
   */
  status: 'online' | 'offline' | 'unknown'
  /** Epoch ms of the last change of `status` (or of first sight). */
  since: number
  /** The node's birth/death sequence number from its last NBIRTH. */
  bdSeq?: number
  /** The last `seq` seen from the node (0-255). */
  lastSeq?: number
  /** Messages whose `seq` did not follow the one before (nodes only). */
  seqGaps: number
  /** NDEATHs ignored because their bdSeq belonged to an earlier session (nodes only). */
  staleDeaths: number
  /** Metrics in data messages whose alias no birth certificate seen so far defines. */
  unknownAliases: number
  lastUnknownAlias?: number
  /** Rebirth requests sent to the node (only when the connection may publish). */
  rebirthRequests: number
  lastRebirthRequestAt?: number
  /** Metrics known from its birth certificate. */
  metrics: number
}

/** A host application's state from `spBv1.0/STATE/<host>`. */
export interface SparkplugHostState {
  host: string
  online: boolean
  /** The timestamp the host put in the message (epoch ms), when it gave one. */
  timestamp?: number
  since: number
}

/** One Sparkplug B message as the inspector shows it: every metric, names resolved. */
export interface SparkplugMessageView {
  type: SparkplugMessageType
  /** The series topic `<group>/<edge node>[/<device>]`. */
  series: string
  /** Epoch ms the sender put on the payload, when it did. */
  timestamp?: number
  seq?: number
  metrics: SparkplugMetricView[]
}
