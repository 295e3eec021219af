// One browser's WebSocket in serve mode. Everything sent to it passes through here, in order,
// so what it costs the server is counted: requests waiting or being answered, replies and
// events not yet written out. Requests are answered a few at a time and only while the socket
// keeps up; capture batches for a client that is behind are merged into one. A client that
// holds more than `maxQueuedBytes`, or stops reading for `stallMs`, is disconnected with a
// reason, and everything it held is let go.
import type { WebSocket } from 'ws'
import type { EventChannel, EventPayload } from '../../shared/contract'
import { encodeFrame, type WireMessage } from '../../shared/frame-codec'
import { MergedBatch } from './batch-merge'

export interface ClientLimits {
  /** Bytes the server may hold for one client; beyond this it is disconnected. */
  maxQueuedBytes: number
  /** Requests answered at once per client; the next waits until one is done. */
  maxInFlight: number
  /** Requests received and waiting; beyond this the socket stops reading until there is room. */
  maxWaiting: number
  /** Bytes handed to the socket but not yet written out; beyond this new frames wait here. */
  socketHighWater: number
  /** A client with output waiting and no byte written out for this long has stopped reading. */
  stallMs: number
}

export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  // Above the largest snapshot the in-memory rings can produce (see CaptureStore).
  maxQueuedBytes: 64 * 1024 * 1024,
  maxInFlight: 4,
  maxWaiting: 32,
  socketHighWater: 1024 * 1024,
  // Long enough for the largest snapshot over a slow network.
  stallMs: 60_000
}

/** WebSocket close code for "too far behind": 1013, try again later. */
export const CLOSE_BEHIND = 1013
/** A client that stopped reading never answers the close frame: its socket goes after this. */
const CLOSE_GRACE_MS = 5000

export interface ClientStats {
  /** Everything held for this client now, in bytes. */
  queuedBytes: number
  /** The most it ever held. */
  peakQueuedBytes: number
  inFlight: number
  peakInFlight: number
  waiting: number
  /** Capture batches merged because the client was not reading fast enough. */
  mergedBatches: number
}

export type RequestHandler = (data: Buffer) => Promise<WireMessage | null>

export class ClientLink {
  private readonly frames: Uint8Array[] = []
  private framesBytes = 0
  private socketBytes = 0
  /** Capture batches held back while behind; always the newest thing in the queue. */
  private merged: MergedBatch | null = null
  private readonly waiting: Buffer[] = []
  private waitingBytes = 0
  /** Request bytes of the requests being answered. */
  private answeringBytes = 0
  private inFlight = 0
  private paused = false
  private closed = false
  /** When the socket last finished writing a frame, or began holding one. */
  private lastProgress = 0
  private readonly stats = { peakQueuedBytes: 0, peakInFlight: 0, mergedBatches: 0 }
  /** Why the server disconnected this client, if it did. */
  droppedFor: string | null = null

  constructor(
    private readonly ws: WebSocket,
    private readonly limits: ClientLimits,
    private readonly handle: RequestHandler,
    /** Called once when the link ends (dropped or closed): the server forgets it. */
    private readonly onEnd: (link: ClientLink) => void
  ) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.receive(data as Buffer)
    })
    ws.on('close', () => this.end())
    ws.on('error', () => this.end())
  }

  get queuedBytes(): number {
    const merged = this.merged?.bytes ?? 0
    return this.framesBytes + this.socketBytes + merged + this.waitingBytes + this.answeringBytes
  }

  snapshot(): ClientStats {
    return {
      queuedBytes: this.queuedBytes,
      inFlight: this.inFlight,
      waiting: this.waiting.length,
      ...this.stats
    }
  }

  /** A pushed event. `frame` encodes it (once, shared by every client that sends it as is). */
  event<E extends EventChannel>(
    channel: E,
    payload: EventPayload<E>,
    frame: () => Uint8Array
  ): void {
    if (this.closed) return
    if (channel === 'capture:batch' && (this.merged || this.behind)) {
      // Behind: merge instead of queueing one more frame.
      this.merged ??= new MergedBatch()
      this.merged.add(payload as EventPayload<'capture:batch'>)
      this.stats.mergedBatches++
      this.checkLimit()
      return
    }
    this.enqueue(frame())
  }

  /** Ends the link: nothing more is sent or answered, and everything held is let go. */
  end(): void {
    if (this.closed) return
    this.closed = true
    this.frames.length = 0
    this.framesBytes = 0
    this.merged = null
    this.waiting.length = 0
    this.waitingBytes = 0
    this.onEnd(this)
  }

  private get behind(): boolean {
    return this.frames.length > 0 || this.socketBytes >= this.limits.socketHighWater
  }

  private receive(data: Buffer): void {
    if (this.closed) return
    this.waiting.push(data)
    this.waitingBytes += data.byteLength
    if (!this.checkLimit()) return
    if (this.waiting.length >= this.limits.maxWaiting && !this.paused) {
      this.paused = true
      this.ws.pause()
    }
    this.startNext()
  }

  /** Answers waiting requests while the socket keeps up: replies never pile up here. */
  private startNext(): void {
    while (
      !this.closed &&
      !this.behind &&
      this.inFlight < this.limits.maxInFlight &&
      this.waiting.length > 0
    ) {
      const data = this.waiting.shift()!
      this.waitingBytes -= data.byteLength
      void this.answer(data)
    }
    if (this.paused && !this.closed && this.waiting.length < this.limits.maxWaiting) {
      this.paused = false
      this.ws.resume()
    }
  }

  private async answer(data: Buffer): Promise<void> {
    this.inFlight++
    this.answeringBytes += data.byteLength
    this.stats.peakInFlight = Math.max(this.stats.peakInFlight, this.inFlight)
    let reply: WireMessage | null = null
    try {
      reply = await this.handle(data)
    } catch (error) {
      console.error('a WebSocket request failed', error)
    } finally {
      this.inFlight--
      this.answeringBytes -= data.byteLength
    }
    if (this.closed) return
    if (reply) this.enqueue(encodeFrame(reply))
    else this.startNext()
  }

  /** Queues a frame behind everything already queued (a merged batch goes first). */
  private enqueue(frame: Uint8Array): void {
    if (this.merged) this.push(encodeFrame(this.takeMerged()))
    this.push(frame)
    if (this.checkLimit()) this.pump()
  }

  private takeMerged(): WireMessage {
    const payload = this.merged!.take()
    this.merged = null
    return { kind: 'event', channel: 'capture:batch', payload }
  }

  private push(frame: Uint8Array): void {
    this.frames.push(frame)
    this.framesBytes += frame.byteLength
  }

  /** Hands queued frames to the socket while it keeps up, then answers waiting requests. */
  private pump(): void {
    while (!this.closed && this.socketBytes < this.limits.socketHighWater) {
      let frame = this.frames.shift()
      if (frame) this.framesBytes -= frame.byteLength
      else if (this.merged) frame = encodeFrame(this.takeMerged())
      else break
      this.write(frame)
    }
    this.startNext()
  }

  private write(frame: Uint8Array): void {
    const size = frame.byteLength
    if (this.socketBytes === 0) this.lastProgress = Date.now()
    this.socketBytes += size
    this.ws.send(frame, { binary: true }, () => {
      this.socketBytes -= size
      this.lastProgress = Date.now()
      this.pump()
    })
  }

  /** Disconnects the client when the socket has held output unwritten for too long. */
  checkStall(now: number): void {
    if (this.closed || this.socketBytes === 0) return
    if (now - this.lastProgress < this.limits.stallMs) return
    const s = Math.round(this.limits.stallMs / 1000)
    this.drop(`This page stopped reading for ${s} s and was disconnected.`)
  }

  /** False (and the client is disconnected) when it holds more than it may. */
  private checkLimit(): boolean {
    const queued = this.queuedBytes
    this.stats.peakQueuedBytes = Math.max(this.stats.peakQueuedBytes, queued)
    if (queued <= this.limits.maxQueuedBytes) return true
    const mb = Math.round(this.limits.maxQueuedBytes / 1048576)
    this.drop(`This page fell more than ${mb} MB behind the server and was disconnected.`)
    return false
  }

  private drop(reason: string): void {
    const ws = this.ws
    this.droppedFor = reason
    this.end()
    // Queued frames were dropped above: the close frame is next after what the socket holds,
    // so a client that reads again learns why.
    ws.close(CLOSE_BEHIND, reason)
    const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS)
    timer.unref?.()
    ws.once('close', () => clearTimeout(timer))
  }
}
