// Capture stores in fresh temporary folders, closed and removed after each test.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach } from 'vitest'
import { CaptureStore, type CaptureStoreOptions } from '../src/main/core/capture/capture-store'

/**
 * Call at a file's or a describe's top level: returns an opener of stores, each in its own
 * folder named after `prefix`, all closed and removed after every test.
 */
export function tempStores(
  prefix: string
): (options?: Omit<CaptureStoreOptions, 'dir'>) => Promise<CaptureStore> {
  const dirs: string[] = []
  const stores: CaptureStore[] = []
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close()
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
  })
  return async (options = {}) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
    dirs.push(dir)
    const store = await CaptureStore.open({ ...options, dir })
    stores.push(store)
    return store
  }
}
