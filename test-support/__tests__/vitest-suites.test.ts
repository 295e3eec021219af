// The shared suite set-ups do what tests rely on: a running broker and core inside the suite,
// nothing left behind after it, and a skip that really skips.
import * as fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { mosquittoAvailable } from '../mosquitto'
import { canConnect } from '../ports'
import type { ServedApp } from '../serve'
import { coreHarnessForSuite, describeWithMosquitto, serveAppsPerTest } from '../vitest-suites'

let brokerDir = ''
let coreDir = ''
let usedTooEarly = ''

describeWithMosquitto('a suite with a broker and a core', { password: false }, (broker) => {
  const app = coreHarnessForSuite()
  try {
    void broker.ports
  } catch (error) {
    usedTooEarly = (error as Error).message
  }

  it('has the broker started and the core open', async () => {
    brokerDir = broker.dir
    coreDir = app.dataDir
    expect(await canConnect(broker.ports.anonymous!)).toBe(true)
    expect((await app.invoke('app:info')).mode).toBe('serve')
  })
})

describe('after that suite', () => {
  it('said plainly that the broker was used while the suite was collected', () => {
    expect(usedTooEarly).toBe('the broker is used before its beforeAll started it')
  })

  it.skipIf(!mosquittoAvailable().ok)(
    'the broker and the core are closed and their folders gone',
    () => {
      expect(fs.existsSync(brokerDir)).toBe(false)
      expect(fs.existsSync(coreDir)).toBe(false)
    }
  )
})

describeWithMosquitto('a suite skipped for another reason', { skip: 'testing the skip' }, () => {
  it('never runs', () => {
    throw new Error('ran although its suite was skipped')
  })
})

describe('serve-mode apps per test', () => {
  const serve = serveAppsPerTest({ fromSource: true })
  let first: ServedApp | undefined

  it('starts the app on a fresh data folder', async () => {
    first = await serve()
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(fs.existsSync(first.dataDir)).toBe(true)
  })

  it('has stopped it after the test and removed its data folder', () => {
    expect(first!.process.exitCode !== null || first!.process.signalCode !== null).toBe(true)
    expect(fs.existsSync(first!.dataDir)).toBe(false)
  })
})
