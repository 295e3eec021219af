// Random and adversarial bytes into every decoder, in a process with a 96 MB heap: nothing
// throws, every row's text matches its values, and memory stays bounded (a decoder that
// allocated what a payload claims would kill the process, and this test would say so).
import { execFile } from 'node:child_process'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fuzz-worker.ts')

function runWorker(seed: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--max-old-space-size=96', '--import', 'tsx', worker, String(seed)],
      { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    )
  })
}

describe('every decoder against random and adversarial bytes', () => {
  it('never throws, keeps rows consistent, and stays within a small heap', async () => {
    const { code, stdout, stderr } = await runWorker(20261201)
    expect(code, `the fuzz process died: ${stderr.slice(-2000)}`).toBe(0)
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
      decodes: number
      decoders: number
      thrown: string[]
      inconsistent: string[]
      peakArrayBuffersMB: number
      peakHeapMB: number
    }
    expect(result.thrown).toEqual([])
    expect(result.inconsistent).toEqual([])
    expect(result.decoders).toBe(17)
    expect(result.decodes).toBeGreaterThan(50_000)
    // The largest payload is 1 MB; a few copies of it at most may be alive at once.
    expect(result.peakArrayBuffersMB).toBeLessThan(32)
    expect(result.peakHeapMB).toBeLessThan(96)
  }, 180_000)
})
