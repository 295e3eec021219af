// Writes an export's output ring to its file in the background, buffer after buffer, each at
// its own position. Two ways: a writer thread that takes buffers from shared memory (no
// system call per buffer on this thread), or one thread-pool write per buffer where worker
// threads or shared memory are missing. On a 2-core machine each thread-pool write cost the
// formatting thread ~50-70 µs to hand over (~8 ms of a 40 ms export); a hand-over to the
// writer thread is a store to shared memory.
import * as fs from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { WasmMemory } from './wasm/format-kernel'

/** The ring's buffers are written in order: submission n is buffer n % ring.length. */
export interface RingWrites {
  readonly via: 'thread' | 'pool'
  /** Bytes handed over so far: the file's length once every write is done. */
  readonly position: number
  /** Writes the first `length` bytes of the next ring buffer (may be 0) at `position`. */
  submit(length: number): void
  /** Writes a buffer outside the ring (one huge row) at `position`. */
  submitExtra(data: Uint8Array, length: number): void
  /** Resolves when ring buffer `slot` may be filled again; throws a failed write's error. */
  free(slot: number): Promise<void>
  /** Resolves when every write is done (then the ring may be reused); throws the first error. */
  finish(): Promise<void>
}

/**
 * Ring writes for `fd`: on a writer thread when it can, else on the thread pool. A ring in
 * shared WebAssembly memory names that memory: the thread is given the memory object, not
 * views of its buffer (with views, V8 at times ran the kernel ~5x slower on this machine).
 */
export function ringWrites(
  fd: number,
  ring: readonly Uint8Array[],
  memory?: WasmMemory
): RingWrites {
  const shared = ring.every((b) => b.buffer instanceof SharedArrayBuffer)
  const thread = shared ? WriterThread.acquire() : null
  return thread ? thread.start(fd, ring, memory) : new PoolWrites(fd, ring)
}

/** The ring buffer in shared memory when the writer thread can be used, else a plain one. */
export function ringBuffer(bytes: number): Uint8Array {
  return new Uint8Array(
    typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)
  )
}

class PoolWrites implements RingWrites {
  readonly via = 'pool'
  position = 0
  private submitted = 0
  private readonly inFlight: Promise<void>[]
  private extra: Promise<void>[] = []
  private error: Error | null = null

  constructor(
    private readonly fd: number,
    private readonly ring: readonly Uint8Array[]
  ) {
    this.inFlight = ring.map(() => Promise.resolve())
  }

  submit(length: number): void {
    const slot = this.submitted++ % this.ring.length
    if (length > 0) this.inFlight[slot] = this.write(this.ring[slot], length)
  }

  submitExtra(data: Uint8Array, length: number): void {
    this.extra.push(this.write(data, length))
  }

  async free(slot: number): Promise<void> {
    await this.inFlight[slot]
    this.check()
  }

  async finish(): Promise<void> {
    await Promise.all([...this.inFlight, ...this.extra])
    this.check()
  }

  private check(): void {
    if (this.error) throw this.error
  }

  /** Resolves when written or failed (kept for check()), never rejects: no unhandled errors. */
  private write(data: Uint8Array, length: number): Promise<void> {
    const at = this.position
    this.position += length
    return new Promise((resolve) => {
      const rest = (done: number): void =>
        fs.write(this.fd, data, done, length - done, at + done, (error, n) => {
          if (error) this.error ??= error
          if (error || done + n >= length) resolve()
          else rest(done + n)
        })
      rest(0)
    })
  }
}

// Control words shared with the writer thread.
const SUBMITTED = 0 // buffers handed over
const DONE = 1 // buffers written (or skipped after a failure)
const STOP = 2 // no more buffers: finish and report
const FAILED = 3 // a write failed: the rest are skipped, the error comes with the report
/** An idle writer thread is kept this long for the next export, like the export kernel. */
const IDLE_MS = 60_000

/**
 * The writer thread's code, plain CommonJS run with `eval` so it needs no file of its own in
 * the app bundle, serve mode or tests. It writes buffer after buffer and sleeps when caught
 * up. (Polling instead of sleeping gained nothing measurable here, and on a busy machine a
 * polling thread takes time from the one that formats.)
 */
const WRITER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const fs = require('node:fs')
parentPort.on('message', ({ fd, ring, memory, control, meta }) => {
  if (memory) ring = ring.map((r) => new Uint8Array(memory.buffer, r.offset, r.length))
  const c = new Int32Array(control)
  const m = new Float64Array(meta)
  let done = 0
  let failed = null
  for (;;) {
    if (Atomics.load(c, ${SUBMITTED}) === done) {
      if (Atomics.load(c, ${STOP}) && Atomics.load(c, ${SUBMITTED}) === done) break
      Atomics.wait(c, ${SUBMITTED}, done, 20)
      continue
    }
    const slot = done % ring.length
    const length = m[slot * 2]
    const at = m[slot * 2 + 1]
    try {
      for (let n = 0; !failed && n < length; )
        n += fs.writeSync(fd, ring[slot], n, length - n, at + n)
    } catch (error) {
      failed = { message: error.message, code: error.code }
      Atomics.store(c, ${FAILED}, 1)
    }
    Atomics.store(c, ${DONE}, ++done)
    Atomics.notify(c, ${DONE})
  }
  parentPort.postMessage({ failed })
})
`

type Report = { failed: { message: string; code?: string } | null; crashed?: boolean }

class WriterThread {
  private static idle: { thread: WriterThread; timer: ReturnType<typeof setTimeout> } | null = null
  static readonly live = new Set<WriterThread>()
  private dead = false

  /** A writer thread (a warm one when free), or null where threads cannot be started. */
  static acquire(): WriterThread | null {
    const warm = WriterThread.idle
    WriterThread.idle = null
    if (warm) clearTimeout(warm.timer)
    if (warm && !warm.thread.dead) return warm.thread
    try {
      return new WriterThread(new Worker(WRITER_SOURCE, { eval: true }))
    } catch {
      return null
    }
  }

  private constructor(readonly worker: Worker) {
    worker.unref() // an idle writer never keeps the process alive
    WriterThread.live.add(this)
    // A thread that fails or is stopped is never used again (an export it serves fails).
    worker.on('error', () => (this.dead = true))
    worker.on('exit', () => {
      this.dead = true
      WriterThread.live.delete(this)
    })
  }

  start(fd: number, ring: readonly Uint8Array[], memory?: WasmMemory): RingWrites {
    this.worker.ref() // but a running export does
    return new ThreadWrites(this, fd, ring, memory)
  }

  /** Sends one export's ring; resolves with the thread's report when that export ends. */
  run(job: object): Promise<Report> {
    return new Promise((resolve) => {
      const done = (report: Report): void => {
        this.worker.off('message', done)
        this.worker.off('error', crashed)
        this.worker.off('exit', exited)
        resolve(report)
      }
      const crashed = (error: Error): void =>
        done({ failed: { message: `The export's writer failed: ${error.message}` }, crashed: true })
      const exited = (): void =>
        done({ failed: { message: "The export's writer stopped before the end." }, crashed: true })
      this.worker.on('message', done)
      this.worker.on('error', crashed)
      this.worker.on('exit', exited)
      this.worker.postMessage(job)
    })
  }

  release(): void {
    this.worker.unref()
    if (this.dead || WriterThread.idle) {
      void this.worker.terminate()
      return
    }
    const timer = setTimeout(() => {
      if (WriterThread.idle?.thread === this) WriterThread.idle = null
      void this.worker.terminate()
    }, IDLE_MS)
    timer.unref?.()
    WriterThread.idle = { thread: this, timer }
  }
}

/** Stops every writer thread, idle or busy (an export it serves then fails, nothing hangs). */
export async function stopWriterThreads(): Promise<void> {
  await Promise.all([...WriterThread.live].map((t) => t.worker.terminate()))
}

class ThreadWrites implements RingWrites {
  readonly via = 'thread'
  position = 0
  private submitted = 0
  private readonly control = new Int32Array(new SharedArrayBuffer(16))
  /** Per ring slot: length, file position. */
  private readonly meta: Float64Array
  private readonly extra: PoolWrites
  private readonly ended: Promise<Report>
  private released = false

  constructor(
    private readonly thread: WriterThread,
    fd: number,
    private readonly ring: readonly Uint8Array[],
    memory?: WasmMemory
  ) {
    this.meta = new Float64Array(new SharedArrayBuffer(16 * ring.length))
    this.extra = new PoolWrites(fd, ring)
    const where = memory
      ? { memory, ring: ring.map((b) => ({ offset: b.byteOffset, length: b.byteLength })) }
      : { ring }
    this.ended = thread.run({ fd, ...where, control: this.control.buffer, meta: this.meta.buffer })
    void this.ended.then((report) => {
      if (!report.crashed) return
      // The thread is gone: wake a free() waiting for it, which then throws its report.
      Atomics.store(this.control, FAILED, 1)
      Atomics.notify(this.control, DONE)
    })
  }

  submit(length: number): void {
    const slot = this.submitted % this.ring.length
    this.meta[slot * 2] = length
    this.meta[slot * 2 + 1] = this.position
    this.position += length
    Atomics.store(this.control, SUBMITTED, ++this.submitted)
    Atomics.notify(this.control, SUBMITTED)
  }

  submitExtra(data: Uint8Array, length: number): void {
    // In step: the pool write goes at this writer's position, then both move on.
    this.extra.position = this.position
    this.extra.submitExtra(data, length)
    this.position += length
  }

  async free(slot: number): Promise<void> {
    if (slot >= this.submitted) return // not used yet
    // The last submission that used this slot must be done.
    const R = this.ring.length
    const last = slot + Math.floor((this.submitted - 1 - slot) / R) * R
    let done: number
    while ((done = Atomics.load(this.control, DONE)) <= last) {
      if (Atomics.load(this.control, FAILED)) break
      const wait = Atomics.waitAsync(this.control, DONE, done)
      if (wait.async) await wait.value
    }
    if (Atomics.load(this.control, FAILED)) await this.finish() // throws the error
  }

  async finish(): Promise<void> {
    const { failed } = await this.stop()
    await this.extra.finish()
    if (failed) throw Object.assign(new Error(failed.message), { code: failed.code })
  }

  /** Lets the thread write what it has and report; gives the thread back once. */
  private stop(): Promise<Report> {
    Atomics.store(this.control, STOP, 1)
    Atomics.notify(this.control, SUBMITTED)
    if (!this.released) {
      this.released = true
      void this.ended.then(() => this.thread.release())
    }
    return this.ended
  }
}
