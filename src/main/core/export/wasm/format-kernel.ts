import { CHUNK, PORCH, type RecordChunk } from '../../capture/record-chunks'
import { RowFormatter, type FormatOptions } from '../row-formatter'
import { FORMAT_KERNEL_WASM } from './format-kernel-wasm'

// The slice of the WebAssembly API used here (@types/node does not declare it; lib.dom does).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: unknown }
}

interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number }
  formatWide(p: number, end: number, out: number, limit: number, from: number, to: number): number
  outPos: { value: number }
  rowsDone: { value: number }
  TOPICS: { value: number }
  FIELDSETS: { value: number }
  TAILS: { value: number }
  MAX_IDS: { value: number }
}

const SKIP = 0xffffffff
const TAILS_BYTES = 4 * 1024 * 1024
/** Bytes the kernel may write past the fill mark: a row or two, which stay for the next write. */
const OVERSHOOT = 256

let compiled: object | null | undefined
/** One instance kept between exports: fresh memory costs page faults on every export. */
let idle: Exports | null = null

/**
 * Wide rows of consecutive columns (the common case) through the kernel; every other record
 * through RowFormatter, which tells the kernel the definitions it reads. Chunks are read into,
 * and rows written from, the kernel's memory: nothing is copied between the two.
 */
export class KernelFormatter extends RowFormatter {
  override kernelRows = 0
  override readonly readBuffer: Buffer
  private readonly topics: DataView
  private readonly fieldSets: DataView
  private readonly maxIds: number
  private readonly tailsStart: number
  private tailsAt: number

  private constructor(
    private readonly x: Exports,
    options: FormatOptions,
    outBytes: number
  ) {
    super(options, 0)
    this.tailsStart = this.tailsAt = x.TAILS.value
    const readAt = align(this.tailsStart + TAILS_BYTES)
    const outAt = align(readAt + PORCH + CHUNK)
    const out2At = align(outAt + outBytes)
    const pages = Math.ceil((out2At + outBytes + 1024) / 65536) - x.memory.buffer.byteLength / 65536
    if (pages > 0) x.memory.grow(pages)
    const memory = x.memory.buffer
    this.maxIds = x.MAX_IDS.value
    this.topics = new DataView(memory, x.TOPICS.value, this.maxIds * 8)
    this.fieldSets = new DataView(memory, x.FIELDSETS.value, this.maxIds * 8)
    this.readBuffer = Buffer.from(memory, readAt, PORCH + CHUNK)
    this.homes = [Buffer.from(memory, outAt, outBytes), Buffer.from(memory, out2At, outBytes)]
    this.out = this.homes[0]
  }

  /** A kernel formatter (a warm instance when one is free), or null without WebAssembly. */
  static create(options: FormatOptions, outBytes: number): KernelFormatter | null {
    try {
      let x = idle
      idle = null
      if (!x) {
        compiled ??= new WebAssembly.Module(Buffer.from(FORMAT_KERNEL_WASM, 'base64'))
        x = new WebAssembly.Instance(compiled, { env: { abort: () => undefined } })
          .exports as Exports
      }
      const formatter = new KernelFormatter(x, options, outBytes)
      formatter.startPart()
      return formatter
    } catch {
      compiled = null
      return null
    }
  }

  override startPart(): void {
    super.startPart()
    new Uint8Array(this.x.memory.buffer, this.x.TOPICS.value, this.maxIds * 16).fill(0)
    this.tailsAt = this.tailsStart
  }

  override formatRun(chunk: RecordChunk, p: number, fill: number): number {
    const fast = chunk.buf.buffer === this.x.memory.buffer
    while (p < chunk.end && this.at < fill) {
      if (fast && this.out === this.homes[0]) {
        const inAt = chunk.buf.byteOffset
        const outAt = this.out.byteOffset
        const { fromMs, toMs } = this.options
        const stop = this.x.formatWide(
          inAt + p,
          inAt + chunk.end,
          outAt + this.at,
          outAt + fill + OVERSHOOT,
          fromMs,
          toMs
        )
        const rows = this.x.rowsDone.value
        this.at = this.x.outPos.value - outAt
        this.rows += rows
        this.kernelRows += rows
        p = stop - inAt
        if (p >= chunk.end || this.at >= fill) break
      }
      // The kernel stopped at a record it leaves to JavaScript: one record (or, outside the
      // kernel's memory, the rest of the run).
      const q = super.formatRun(chunk, p, fill, fast ? p + 1 : chunk.end)
      if (q === p) break // the output is full
      p = q
    }
    return p
  }

  override release(): void {
    idle = this.x
  }

  /** The `,<connection>,<topic>,` bytes of a topic, or null when it is filtered out. */
  protected override topicDefined(id: number, tail: Uint8Array | null): void {
    if (id >= this.maxIds) return // left unknown: the JavaScript formatter takes its records
    if (tail === null) {
      this.topics.setUint32(id * 8 + 4, SKIP, true)
      return
    }
    if (this.tailsAt + tail.length > this.tailsStart + TAILS_BYTES) return // JavaScript's rows
    new Uint8Array(this.x.memory.buffer).set(tail, this.tailsAt)
    this.topics.setUint32(id * 8, this.tailsAt, true)
    this.topics.setUint32(id * 8 + 4, tail.length, true)
    this.tailsAt += tail.length
  }

  /** A field set whose fields are the consecutive columns from `block`; -1 when they are not. */
  protected override fieldSetDefined(id: number, block: number, trailing: number): void {
    if (id >= this.maxIds) return
    this.fieldSets.setInt32(id * 8, block + 1, true)
    this.fieldSets.setInt32(id * 8 + 4, trailing, true)
  }
}

function align(n: number): number {
  return Math.ceil(n / 64) * 64
}
