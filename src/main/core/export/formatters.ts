import { CHUNK, PORCH, type RecordChunk } from '../capture/record-chunks'
import { RowFormatter, ROW_RESERVE, type CsvFormatter, type FormatOptions } from './row-formatter'
import { FormatKernel } from './wasm/format-kernel'

/** Bytes the kernel may write past the fill mark: a row or two, which stay for the next write. */
const KERNEL_OVERSHOOT = 256

/**
 * The formatter for an export: the WebAssembly kernel for wide rows where it can run, else
 * JavaScript. Both write the same bytes; the exporter does not know which it has.
 */
export function createFormatter(
  options: FormatOptions,
  outBytes: number,
  engine: 'auto' | 'js' = 'auto'
): CsvFormatter {
  const kernel =
    options.format === 'wide' && engine !== 'js'
      ? FormatKernel.acquire(PORCH + CHUNK + outBytes + 1024)
      : null
  return kernel
    ? new KernelFormatter(kernel, options, outBytes)
    : new RowFormatter(options, outBytes)
}

/**
 * Wide rows of consecutive columns (the common case) through the kernel; every other record
 * (definitions, scattered columns, odd times) through RowFormatter, which also tells the
 * kernel the definitions it reads. Journal chunks are read into, and rows written from, the
 * kernel's own memory, so nothing is copied between the two.
 */
class KernelFormatter implements CsvFormatter {
  kernelRows = 0
  readonly readBuffer: Buffer
  readonly scan: CsvFormatter['scan']
  private readonly js: RowFormatter
  private readonly home: Buffer

  constructor(
    private readonly kernel: FormatKernel,
    options: FormatOptions,
    outBytes: number
  ) {
    this.js = new RowFormatter(
      {
        ...options,
        onTopic: (id, tail) => kernel.setTopic(id, tail),
        onFieldSet: (id, block, trailing) => kernel.setFieldSet(id, block, trailing)
      },
      0
    )
    this.readBuffer = kernel.region(PORCH + CHUNK)
    this.home = kernel.region(outBytes)
    this.js.out = this.home
    this.scan = (buf, p, end, max) => kernel.scanRecords(buf, p, end, max)
  }

  get out(): Uint8Array {
    return this.js.out
  }
  set out(value: Uint8Array) {
    this.js.out = value
  }
  get at(): number {
    return this.js.at
  }
  set at(value: number) {
    this.js.at = value
  }
  get rows(): number {
    return this.js.rows
  }
  set rows(value: number) {
    this.js.rows = value
  }

  startPart(): void {
    this.js.startPart()
    this.kernel.reset()
  }

  formatRun(chunk: RecordChunk, p: number, fill: number): number {
    const js = this.js
    const fast = this.kernel.owns(chunk.buf)
    while (p < chunk.end && js.at < fill) {
      if (fast && js.out === this.home) {
        const r = this.kernel.formatWide(
          chunk.buf,
          p,
          chunk.end,
          this.home,
          js.at,
          fill + KERNEL_OVERSHOOT,
          js.options.fromMs,
          js.options.toMs
        )
        js.at = r.at
        js.rows += r.rows
        this.kernelRows += r.rows
        p = r.p
        if (p >= chunk.end || js.at >= fill) break
      }
      // The kernel stopped at a record it leaves to JavaScript: one record (or, without the
      // kernel's memory, the rest of the run).
      const reserve = Math.max(ROW_RESERVE, js.out.length - fill)
      const q = js.format(chunk.buf, chunk.view, p, chunk.end, reserve, fast ? p + 1 : chunk.end)
      if (q === p) break // the output is full
      p = q
    }
    return p
  }

  drained(): void {
    this.js.out = this.home
    this.js.at = 0
  }

  release(): void {
    this.kernel.release()
  }
}
