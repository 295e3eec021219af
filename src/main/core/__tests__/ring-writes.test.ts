import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ringWrites, stopWriterThreads } from '../export/ring-writes'
import { FormatKernel, type WasmMemory } from '../export/wasm/format-kernel'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ring-writes-'))
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

interface Ring {
  buffers: Uint8Array[]
  /** Set when the buffers lie in WebAssembly memory: the thread is handed that memory. */
  wasm?: WasmMemory
}

// Shared memory goes to the writer thread; plain buffers to one thread-pool write each.
const kinds = [
  { name: 'the writer thread', via: 'thread', ring: (size: number) => views(true, size) },
  {
    name: 'the writer thread, from WebAssembly memory',
    via: 'thread',
    ring: (size: number): Ring => {
      const kernel = FormatKernel.create(3 * size + 1024)
      if (!kernel) throw new Error('WebAssembly is missing')
      return { buffers: [0, 1, 2].map(() => kernel.region(size)), wasm: kernel.memory }
    }
  },
  { name: 'thread-pool writes', via: 'pool', ring: (size: number) => views(false, size) }
]

function views(shared: boolean, size: number): Ring {
  const all = new Uint8Array(shared ? new SharedArrayBuffer(size * 3) : new ArrayBuffer(size * 3))
  return { buffers: [0, 1, 2].map((i) => all.subarray(i * size, (i + 1) * size)) }
}

describe.each(kinds)('ring writes on $name', ({ via, ring }) => {
  it('writes every buffer in order, with empty ones and a buffer outside the ring', async () => {
    const size = 4096
    const { buffers, wasm } = ring(size)
    const fd = fs.openSync(path.join(dir, 'out.bin'), 'w')
    const writes = ringWrites(fd, buffers, wasm)
    expect(writes.via).toBe(via)
    const expected: number[] = []
    for (let n = 0; n < 40; n++) {
      const slot = n % buffers.length
      await writes.free(slot)
      // Every fourth submission is empty; the ninth also writes a huge row from elsewhere.
      const length = n % 4 === 3 ? 0 : 1 + ((n * 997) % size)
      for (let i = 0; i < length; i++) buffers[slot][i] = (n * 31 + i) & 0xff
      for (let i = 0; i < length; i++) expected.push((n * 31 + i) & 0xff)
      writes.submit(length)
      if (n === 9) {
        const extra = new Uint8Array(3 * size).map((_, i) => (i * 7) & 0xff)
        writes.submitExtra(extra, extra.length)
        expected.push(...extra)
      }
    }
    await writes.finish()
    fs.closeSync(fd)
    expect(writes.position).toBe(expected.length)
    expect([...fs.readFileSync(path.join(dir, 'out.bin'))]).toEqual(expected)
  })

  it('reports a full disk (ENOSPC) from free() or finish()', async (ctx) => {
    // /dev/full refuses every write with ENOSPC: a real error from the kernel.
    if (!fs.existsSync('/dev/full')) return ctx.skip('no /dev/full on this system')
    const { buffers, wasm } = ring(1024)
    const fd = fs.openSync('/dev/full', 'w')
    const writes = ringWrites(fd, buffers, wasm)
    expect(writes.via).toBe(via)
    let error: unknown
    try {
      for (let n = 0; n < 10; n++) {
        await writes.free(n % buffers.length)
        writes.submit(1024)
      }
      await writes.finish()
    } catch (e) {
      error = e
      await writes.finish().catch(() => undefined) // everything settled before closing
    }
    fs.closeSync(fd)
    expect(error).toMatchObject({ code: 'ENOSPC' })
  })
})

describe('the writer thread', () => {
  const run = async (name: string, fill: number): Promise<string> => {
    const { buffers } = views(true, 2048)
    const file = path.join(dir, name)
    const fd = fs.openSync(file, 'w')
    const writes = ringWrites(fd, buffers)
    expect(writes.via).toBe('thread')
    for (let n = 0; n < 9; n++) {
      await writes.free(n % 3)
      buffers[n % 3].fill(fill + n)
      writes.submit(2048)
    }
    await writes.finish()
    fs.closeSync(fd)
    return file
  }
  const check = (file: string, fill: number) => {
    const data = fs.readFileSync(file)
    expect(data.length).toBe(9 * 2048)
    for (let n = 0; n < 9; n++) expect(data[n * 2048 + 100]).toBe(fill + n)
  }

  it('serves exports one after another and two at once', async () => {
    check(await run('a', 10), 10)
    check(await run('b', 40), 40) // the warm thread again
    const [c, d] = await Promise.all([run('c', 70), run('d', 100)]) // a second thread
    check(c, 70)
    check(d, 100)
  })

  it('fails an export whose thread stops, instead of hanging, and starts a new one after', async () => {
    const size = 256 * 1024
    const { buffers } = views(true, size)
    const fd = fs.openSync(path.join(dir, 'stopped.bin'), 'w')
    const writes = ringWrites(fd, buffers)
    expect(writes.via).toBe('thread')
    writes.submit(size)
    await stopWriterThreads()
    const rest = async (): Promise<void> => {
      for (let n = 1; n < 50; n++) {
        await writes.free(n % buffers.length)
        writes.submit(size)
      }
      await writes.finish()
    }
    await expect(rest()).rejects.toThrow(/writer/)
    fs.closeSync(fd)
    const file = await run('after', 7)
    check(file, 7)
  })
})
