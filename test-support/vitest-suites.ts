// Vitest-only suite set-ups. This file imports vitest: Playwright specs must not import it
// (they use e2e/fixtures/app.ts).
//
//   describeWithMosquitto('what it checks (real Mosquitto)', { persistence: true }, (broker) => {
//     const app = coreHarnessForSuite()
//     it('…', async () => {
//       await app.connect({ id: 'p', port: broker.ports.anonymous! } as never, { broker })
//       await broker.publish('t', ['1', '2'])
//     })
//   })
//
// `broker` and `app` are started in beforeAll and closed in afterAll (the core first); they can
// be used inside hooks and tests, not while the suite is being collected.
import * as fs from 'node:fs'
import { afterAll, afterEach, beforeAll, describe } from 'vitest'
import type { CoreOptions } from '../src/main/core/monitor-core'
import { CoreHarness } from './core-harness'
import {
  mosquittoAvailable,
  startMosquitto,
  type MosquittoBroker,
  type MosquittoOptions
} from './mosquitto'
import { startServe, type ServedApp, type ServeOptions } from './serve'

export interface SuiteOptions extends MosquittoOptions {
  /** Another part the suite needs is missing: skip it (loudly) for this reason. '' runs it. */
  skip?: string
}

/**
 * A describe block with a real Mosquitto (started with `options`) handed to `body`. Without
 * Mosquitto, or with `options.skip` set, the suite is skipped and the reason printed loudly.
 */
export function describeWithMosquitto(
  name: string,
  options: SuiteOptions,
  body: (broker: MosquittoBroker) => void
): void {
  const { skip, ...brokerOptions } = options
  const available = mosquittoAvailable()
  const reason = !available.ok ? available.reason : skip
  if (reason) console.warn(`\n*** SKIPPING "${name}": ${reason} ***\n`)
  describe.skipIf(Boolean(reason))(name, () => {
    const broker = filledInBeforeAll<MosquittoBroker>('the broker')
    let started: MosquittoBroker | undefined
    beforeAll(async () => {
      started = await startMosquitto(brokerOptions)
      broker.fill(started)
    })
    afterAll(async () => {
      await started?.close()
    })
    body(broker.value)
  })
}

/** A real core on a temp data dir (CoreHarness) for the enclosing describe block. */
export function coreHarnessForSuite(options?: Partial<CoreOptions>): CoreHarness {
  const app = filledInBeforeAll<CoreHarness>('the core harness')
  let started: CoreHarness | undefined
  beforeAll(async () => {
    started = await CoreHarness.start(options)
    app.fill(started)
  })
  afterAll(async () => {
    await started?.close()
  })
  return app.value
}

/**
 * Starts serve-mode apps (startServe) inside the tests of the enclosing describe block; after
 * each test, kills those still running and removes the data dirs it made for them. A restart
 * on the same folder: `serve([], { dataDir: first.dataDir })`.
 */
export function serveAppsPerTest(
  defaults: ServeOptions = {}
): (args?: string[], options?: ServeOptions) => Promise<ServedApp> {
  const started: ServedApp[] = []
  const madeDirs: string[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map((app) => app.kill()))
    for (const dir of madeDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  })
  return async (args = [], options = {}) => {
    const merged = { ...defaults, ...options }
    const app = await startServe(args, merged)
    started.push(app)
    if (merged.dataDir === undefined) madeDirs.push(app.dataDir)
    return app
  }
}

/**
 * A stand-in for an object made in beforeAll: it forwards every use to that object once
 * `fill` has given it, so suites can name it while being collected.
 */
export function filledInBeforeAll<T extends object>(
  what: string
): { value: T; fill(target: T): void } {
  let target: T | undefined
  const get = (): T => {
    if (!target) throw new Error(`${what} is used before its beforeAll started it`)
    return target
  }
  const value = new Proxy({} as T, {
    get(_, key) {
      const real = get()
      const v: unknown = Reflect.get(real, key, real)
      return typeof v === 'function' ? v.bind(real) : v
    },
    set: (_, key, v) => Reflect.set(get(), key, v),
    has: (_, key) => Reflect.has(get(), key),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(get(), key)
      return d && { ...d, configurable: true }
    }
  })
  return { value, fill: (t) => (target = t) }
}
