// The update check on the shared electron mock: off unless the user turns it on (nothing is
// loaded or asked before that), then electron-updater's events become the status the
// settings show, and "Restart and install" hands over to it.
import { createRequire } from 'node:module'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { UpdateStatus } from '../../../shared/types'
import { DesktopPrefs } from '../desktop-prefs'
import { loadElectronUpdater, plainNotes, UpdateChecker, type Updater } from '../updates'

const mock = await vi.hoisted(async () => await import('./electron-mock'))
vi.mock('electron', () => mock.electronModule)

class FakeUpdater implements Updater {
  autoDownload = false
  autoInstallOnAppQuit = false
  checks = 0
  installs: [boolean | undefined, boolean | undefined][] = []
  fail: Error | null = null
  private readonly listeners = new Map<string, ((arg: never) => void)[]>()
  on(event: string, listener: (arg: never) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }
  emit(event: string, arg?: unknown): void {
    for (const l of this.listeners.get(event) ?? []) l(arg as never)
  }
  async checkForUpdates(): Promise<unknown> {
    this.checks++
    if (this.fail) throw this.fail
    this.emit('checking-for-update')
    return null
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter])
  }
}

function setup(packaged = true) {
  const updater = new FakeUpdater()
  const load = vi.fn(async () => updater)
  const published: UpdateStatus[] = []
  const checker = new UpdateChecker({ packaged, load, publish: (s) => published.push(s) })
  return { updater, load, published, checker }
}

const ui = (checkForUpdates: boolean) =>
  ({ theme: 'system', notifyOnDrop: false, checkForUpdates }) as const

afterEach(() => vi.useRealTimers())

describe('UpdateChecker', () => {
  it('does nothing at all while the setting is off (the default): no updater, no request', async () => {
    const { load, published, checker } = setup()
    new DesktopPrefs(ui(false), (u) => checker.setEnabled(u.checkForUpdates))
    await Promise.resolve()
    expect(load).not.toHaveBeenCalled()
    expect(checker.current()).toEqual({ state: 'off' })
    expect(published).toEqual([])
  })

  it('says a copy run from a build folder has nothing to update, without loading the updater', () => {
    const { load, checker } = setup(false)
    checker.setEnabled(true)
    expect(load).not.toHaveBeenCalled()
    expect(checker.current()).toEqual({
      state: 'unsupported',
      message:
        'This copy runs from a build folder, not an installer: updates come with the installed app.'
    })
  })

  it('turned on in the settings: checks, downloads, shows what is new, installs on restart', async () => {
    const { updater, load, published, checker } = setup()
    const prefs = new DesktopPrefs(ui(false), (u) => checker.setEnabled(u.checkForUpdates))
    prefs.observe('settings:save-ui', { ui: ui(true) })
    await vi.waitFor(() => expect(updater.checks).toBe(1))
    expect(load).toHaveBeenCalledTimes(1)
    expect(updater.autoDownload).toBe(true)
    expect(updater.autoInstallOnAppQuit).toBe(true)
    expect(() => checker.install()).toThrow('No update has been downloaded yet.')

    updater.emit('update-available', {
      version: '1.2.0',
      releaseNotes:
        '<h2>New</h2><ul><li>IPv6 &amp; more</li><li><script>alert(1)</script>x</li></ul>'
    })
    updater.emit('download-progress', { percent: 41.7 })
    updater.emit('update-downloaded', { version: '1.2.0', releaseNotes: '<p>IPv6</p>' })
    expect(published).toEqual([
      { state: 'checking' },
      {
        state: 'downloading',
        version: '1.2.0',
        notes: 'New\n• IPv6 & more\n• alert(1)x',
        percent: 0
      },
      {
        state: 'downloading',
        version: '1.2.0',
        notes: 'New\n• IPv6 & more\n• alert(1)x',
        percent: 41
      },
      { state: 'ready', version: '1.2.0', notes: 'IPv6' }
    ])
    expect(checker.install()).toMatchObject({ state: 'ready', version: '1.2.0' })
    expect(updater.installs).toEqual([[false, true]])
  })

  it('checks again every interval while on, and never after it is turned off', async () => {
    vi.useFakeTimers()
    const updater = new FakeUpdater()
    const checker = new UpdateChecker({
      packaged: true,
      load: async () => updater,
      publish: () => undefined,
      intervalMs: 60_000
    })
    checker.setEnabled(true)
    await vi.waitFor(() => expect(updater.checks).toBe(1))
    updater.emit('update-not-available')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(updater.checks).toBe(2)
    checker.setEnabled(false)
    expect(checker.current()).toEqual({ state: 'off' })
    // A downloaded update is not installed behind the user's back once checks are off.
    expect(updater.autoInstallOnAppQuit).toBe(false)
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    expect(updater.checks).toBe(2)
  })

  it('says a failed check in words, on the first line of the error only', async () => {
    const { updater, checker } = setup()
    updater.fail = new Error('net::ERR_INTERNET_DISCONNECTED\n    at stack line')
    checker.setEnabled(true)
    await vi.waitFor(() =>
      expect(checker.current()).toEqual({
        state: 'error',
        message: 'Could not check for updates: net::ERR_INTERNET_DISCONNECTED'
      })
    )
  })
})

describe('plainNotes', () => {
  it('turns release notes (HTML, or one entry per version) into plain text', () => {
    expect(plainNotes(null)).toBe('')
    expect(plainNotes('a<br/>b &lt;c&gt;')).toBe('a\nb <c>')
    expect(
      plainNotes([
        { version: '1.1.0', note: '<p>one</p>' },
        { version: '1.2.0', note: null }
      ])
    ).toBe('1.1.0\none\n\n1.2.0')
  })
})

describe('loadElectronUpdater', () => {
  it('gets the real electron-updater autoUpdater for this platform (loaded on demand)', async () => {
    // electron-updater is CommonJS and require()s 'electron' itself, past vitest's mocks: the
    // real package would try to download a binary, so node's loader hands it the mock.
    const Module = createRequire(import.meta.url)('node:module') as {
      _load: (request: string, ...rest: unknown[]) => unknown
    }
    const load = Module._load
    Module._load = function (request: string, ...rest: unknown[]) {
      return request === 'electron' ? mock.electronMock : load.call(this, request, ...rest)
    }
    let updater: Updater
    try {
      updater = await loadElectronUpdater()
    } finally {
      Module._load = load
    }
    expect(typeof updater.checkForUpdates).toBe('function')
    expect(typeof updater.quitAndInstall).toBe('function')
    expect(typeof updater.on).toBe('function')
    expect(updater.autoDownload).toBe(true)
  })
})
