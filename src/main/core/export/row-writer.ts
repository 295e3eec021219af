// Builds CSV rows byte by byte into a large buffer. Export speed is bounded by this loop, so
// it copies the journal's value text as is and formats each timestamp from a per-second
// cache instead of calling Date for every row.

import { csvField } from './csv-text'

export const COMMA = 44

export class RowWriter {
  buf: Buffer
  at = 0
  private second = NaN
  private isoPrefix = Buffer.alloc(0) // "2026-11-24T10:15:00."
  private secondDigits = Buffer.alloc(0) // "1795515300"
  private readonly texts = new Map<string, Buffer>()

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size)
  }

  /** Room for at least `bytes` more, else the caller must drain first. */
  fits(bytes: number): boolean {
    return this.at + bytes <= this.buf.length
  }

  ensure(bytes: number): void {
    if (bytes > this.buf.length) {
      const bigger = Buffer.allocUnsafe(bytes * 2)
      this.buf.copy(bigger, 0, 0, this.at)
      this.buf = bigger
    }
  }

  /** `time,epoch_ms` of a row: ISO 8601 UTC with milliseconds, then integer epoch ms. */
  time(t: number): void {
    const ms = Math.floor(t)
    const second = Math.floor(ms / 1000)
    if (second !== this.second) {
      this.second = second
      const iso = new Date(second * 1000).toISOString() // 2026-11-24T10:15:00.000Z
      this.isoPrefix = Buffer.from(iso.slice(0, iso.length - 4), 'latin1')
      this.secondDigits = Buffer.from(String(second), 'latin1')
    }
    const frac = ms - second * 1000
    const d0 = 48 + ((frac / 100) | 0)
    const d1 = 48 + (((frac / 10) | 0) % 10)
    const d2 = 48 + (frac % 10)
    const b = this.buf
    let at = this.at
    at = copyInto(b, at, this.isoPrefix)
    b[at++] = d0
    b[at++] = d1
    b[at++] = d2
    b[at++] = 90 // Z
    b[at++] = COMMA
    if (second > 0) {
      at = copyInto(b, at, this.secondDigits)
      b[at++] = d0
      b[at++] = d1
      b[at++] = d2
    } else {
      at += b.write(String(ms), at, 'latin1')
    }
    this.at = at
  }

  byte(c: number): void {
    this.buf[this.at++] = c
  }

  bytes(src: Uint8Array, start: number, end: number): void {
    const b = this.buf
    let at = this.at
    for (let i = start; i < end; i++) b[at++] = src[i]
    this.at = at
  }

  /** A text field, RFC 4180-quoted when needed; encoded once and cached. */
  text(value: string): void {
    let bytes = this.texts.get(value)
    if (!bytes) {
      bytes = Buffer.from(csvField(value), 'utf8')
      if (this.texts.size < 100_000) this.texts.set(value, bytes)
    }
    this.at = copyInto(this.buf, this.at, bytes)
  }

  commas(n: number): void {
    const b = this.buf
    for (let i = 0; i < n; i++) b[this.at++] = COMMA
  }

  endRow(): void {
    this.buf[this.at++] = 13
    this.buf[this.at++] = 10
  }
}

function copyInto(b: Buffer, at: number, src: Buffer): number {
  const n = src.length
  if (n > 32) return at + src.copy(b, at)
  for (let i = 0; i < n; i++) b[at + i] = src[i]
  return at + n
}
