import {
  MESSAGE_FIELDSET_ID,
  MESSAGE_T,
  MESSAGE_TEXT_OFFSET,
  MESSAGE_TOPIC_ID,
  RECORD_HEADER,
  TYPE_MESSAGE
} from '../../capture/journal-format'
import { FORMAT_KERNEL_WASM } from './format-kernel-wasm'

// The slice of the WebAssembly API used here (@types/node does not declare it; lib.dom does).
interface WasmMemory {
  buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmInstance {
  exports: unknown
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => WasmInstance
}

const SKIP = 0xffffffff
const TAILS_BYTES = 4 * 1024 * 1024

interface Exports {
  memory: WasmMemory
  setLayout(
    header: number,
    messageType: number,
    tAt: number,
    topicAt: number,
    setAt: number,
    textAt: number
  ): void
  formatWide(
    p: number,
    end: number,
    out: number,
    outLimit: number,
    fromMs: number,
    toMs: number
  ): number
  outPosition(): number
  scanRecords(p: number, end: number, maxBody: number): number
  rowCount(): number
  topicBase(): number
  fieldsetBase(): number
  tailsBase(): number
  maxIds(): number
}

let compiled: object | null | undefined
/** One warm kernel kept between exports: fresh memory costs page faults on every export. */
let idle: { kernel: FormatKernel; bytes: number; timer: ReturnType<typeof setTimeout> } | null =
  null
const IDLE_MS = 60_000

/**
 * One export's WebAssembly formatter and the memory it works in: definition tables, then
 * regions the exporter reads journal chunks into and writes rows from, so nothing is copied
 * between JavaScript and the kernel.
 */
export class FormatKernel {
  private readonly x: Exports
  private readonly topics: DataView
  private readonly fieldSets: DataView
  private readonly tailsStart: number
  private tailsAt: number
  private next: number
  private readonly regionsStart: number
  readonly maxIds: number

  private constructor(instance: WasmInstance, regionBytes: number) {
    this.x = instance.exports as unknown as Exports
    this.x.setLayout(
      RECORD_HEADER,
      TYPE_MESSAGE,
      MESSAGE_T,
      MESSAGE_TOPIC_ID,
      MESSAGE_FIELDSET_ID,
      MESSAGE_TEXT_OFFSET
    )
    this.tailsStart = this.x.tailsBase()
    this.tailsAt = this.tailsStart
    this.next = align(this.tailsStart + TAILS_BYTES)
    this.regionsStart = this.next
    const pages =
      Math.ceil((this.next + regionBytes) / 65536) - this.x.memory.buffer.byteLength / 65536
    if (pages > 0) this.x.memory.grow(pages)
    this.maxIds = this.x.maxIds()
    this.topics = new DataView(this.x.memory.buffer, this.x.topicBase(), this.maxIds * 8)
    this.fieldSets = new DataView(this.x.memory.buffer, this.x.fieldsetBase(), this.maxIds * 8)
  }

  /** A kernel for one export (a warm one when free); give it back with release(). */
  static acquire(regionBytes: number): FormatKernel | null {
    if (idle && idle.bytes === regionBytes) {
      const { kernel, timer } = idle
      clearTimeout(timer)
      idle = null
      kernel.reset()
      return kernel
    }
    const kernel = FormatKernel.create(regionBytes)
    if (kernel) kernel.regionBytes = regionBytes
    return kernel
  }

  /** Keeps this kernel warm for the next export, freeing it after a minute unused. */
  release(): void {
    if (idle) return // another is already kept: let this one go
    this.next = this.regionsStart
    const timer = setTimeout(() => (idle = null), IDLE_MS)
    timer.unref?.()
    idle = { kernel: this, bytes: this.regionBytes, timer }
  }

  private regionBytes = 0

  /** A kernel with room for `regionBytes` of buffers, or null where WebAssembly is missing. */
  static create(regionBytes: number): FormatKernel | null {
    try {
      compiled ??= new WebAssembly.Module(Buffer.from(FORMAT_KERNEL_WASM, 'base64'))
      return new FormatKernel(
        new WebAssembly.Instance(compiled, { env: { abort: () => undefined } }),
        regionBytes
      )
    } catch {
      compiled = null
      return null
    }
  }

  get buffer(): ArrayBuffer {
    return this.x.memory.buffer
  }

  /** A Buffer over kernel memory for the exporter's reads or rows (never grows afterwards). */
  region(bytes: number): Buffer {
    const at = this.next
    this.next = align(at + bytes)
    if (this.next > this.buffer.byteLength) throw new Error('kernel memory exhausted')
    return Buffer.from(this.buffer, at, bytes)
  }

  /** Forgets every definition: ids mean nothing in the next part. */
  reset(): void {
    new Uint8Array(this.buffer, this.x.topicBase(), this.maxIds * 8).fill(0)
    new Uint8Array(this.buffer, this.x.fieldsetBase(), this.maxIds * 8).fill(0)
    this.tailsAt = this.tailsStart
  }

  /** The `,<connection>,<topic>,` bytes of a topic, or null when it is filtered out. */
  setTopic(id: number, tail: Uint8Array | null): void {
    if (id >= this.maxIds) return // left unknown: the JavaScript formatter takes its records
    if (tail === null) {
      this.topics.setUint32(id * 8 + 4, SKIP, true)
      return
    }
    if (this.tailsAt + tail.length > this.tailsStart + TAILS_BYTES || tail.length === 0) return
    new Uint8Array(this.buffer).set(tail, this.tailsAt)
    this.topics.setUint32(id * 8, this.tailsAt, true)
    this.topics.setUint32(id * 8 + 4, tail.length, true)
    this.tailsAt += tail.length
  }

  /** A field set whose fields are the consecutive columns from `block`; -1 when they are not. */
  setFieldSet(id: number, block: number, trailing: number): void {
    if (id >= this.maxIds) return
    this.fieldSets.setInt32(id * 8, block + 1, true)
    this.fieldSets.setInt32(id * 8 + 4, trailing, true)
  }

  /**
   * Formats records of `chunk` (a Buffer over kernel memory) from p to end into `out` (too)
   * from byte `at`; returns where it stopped, the new output position and the rows written.
   */
  formatWide(
    chunk: Buffer,
    p: number,
    end: number,
    out: Buffer,
    at: number,
    limit: number,
    fromMs: number,
    toMs: number
  ) {
    const base = chunk.byteOffset
    const outBase = out.byteOffset
    const stop = this.x.formatWide(
      base + p,
      base + end,
      outBase + at,
      outBase + limit,
      fromMs,
      toMs
    )
    return { p: stop - base, at: this.x.outPosition() - outBase, rows: this.x.rowCount() }
  }

  /** Where the whole records of `buf` (kernel memory) from p end, as RecordChunks needs. */
  scanRecords(buf: Uint8Array, p: number, end: number, maxBody: number): number {
    const base = buf.byteOffset
    return this.x.scanRecords(base + p, base + end, maxBody) - base
  }

  owns(buf: Uint8Array): boolean {
    return buf.buffer === this.buffer
  }
}

function align(n: number): number {
  return Math.ceil(n / 64) * 64
}
