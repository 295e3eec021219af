import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { EventChannel, EventPayload, InvokeChannel, Req, Res } from '../src/shared/contract'
import { newProfile } from '../src/shared/defaults'
import type { Profile } from '../src/shared/schemas'
import type { ConnectionStatus, Notice } from '../src/shared/types'
import { dispatch } from '../src/main/core/dispatch'
import { MonitorCore, type CoreOptions } from '../src/main/core/monitor-core'
import { JsonFileBackend } from '../src/main/core/settings/settings-backend'
import { FileSecretStore } from '../src/main/core/settings/secret-store'
import type { MosquittoBroker } from './mosquitto'
import { waitUntil } from './wait'
import { logMark, waitForSubscribe } from './broker-log'

/** What every test core shares (also the serve tests'): settings and secrets as files in dataDir. */
export function baseCoreOptions(dataDir: string): Omit<CoreOptions, 'exportTarget'> {
  return {
    mode: 'serve',
    version: 'test',
    dataDir,
    settingsBackend: new JsonFileBackend(path.join(dataDir, 'settings.json')),
    secrets: new FileSecretStore(path.join(dataDir, 'secrets.json'), {}),
    demo: false
  }
}

/** A real core on a temp data dir, driven through the same dispatch the bindings use. */
export class CoreHarness {
  readonly statuses: ConnectionStatus[] = []
  readonly notices: Notice[] = []

  private constructor(
    readonly core: MonitorCore,
    readonly dataDir: string
  ) {
    core.on('connection:status', (s) => this.statuses.push(s))
    core.on('app:notice', (n) => this.notices.push(n))
  }

  static async start(
    options: Partial<CoreOptions> & { dataDir?: string } = {}
  ): Promise<CoreHarness> {
    const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mlm-core-'))
    const exportsDir = path.join(dataDir, 'exports')
    const core = await MonitorCore.create({
      ...baseCoreOptions(dataDir),
      exportTarget: async (fileName, exportId) => {
        fs.mkdirSync(exportsDir, { recursive: true })
        return { path: path.join(exportsDir, `${exportId}.csv`), fileName }
      },
      ...options
    })
    return new CoreHarness(core, dataDir)
  }

  /** Calls a channel exactly as a window would; throws the plain-words error on failure. */
  async invoke<C extends InvokeChannel>(channel: C, req?: Req<C>): Promise<Res<C>> {
    const envelope = await dispatch(this.core.handlers, channel, req)
    if (!envelope.ok) throw new Error(envelope.error.message)
    return envelope.value as Res<C>
  }

  async saveProfile(
    overrides: Partial<Profile>,
    password?: string,
    passphrase?: string
  ): Promise<Profile> {
    const profile = newProfile(overrides.id ?? 'p1', overrides)
    await this.invoke('settings:save-profile', {
      profile,
      password: password === undefined ? { action: 'keep' } : { action: 'set', value: password },
      passphrase:
        passphrase === undefined ? { action: 'keep' } : { action: 'set', value: passphrase }
    })
    return profile
  }

  /**
   * Saves and opens a profile and waits until it is connected; given its broker, also until the
   * broker logs its SUBSCRIBE, so a publish cannot miss it. Returns that log ('' without broker).
   */
  async connect(
    overrides: Partial<Profile> & { id: string },
    opts: { password?: string; broker?: MosquittoBroker } = {}
  ): Promise<string> {
    const mark = opts.broker ? logMark(opts.broker) : 0
    const profile = await this.saveProfile(overrides, opts.password)
    await this.invoke('connection:open', { profileId: profile.id })
    await this.waitForState(profile.id, 'connected')
    return opts.broker ? waitForSubscribe(opts.broker, profile.clientId, mark) : ''
  }

  status(profileId: string): ConnectionStatus | undefined {
    return [...this.statuses].reverse().find((s) => s.profileId === profileId)
  }

  async waitForState(
    profileId: string,
    state: ConnectionStatus['state'],
    timeoutMs = 15_000
  ): Promise<ConnectionStatus> {
    await waitUntil(
      () => this.status(profileId)?.state === state,
      `${profileId} to be ${state} (now ${JSON.stringify(this.status(profileId))})`,
      timeoutMs
    )
    return this.status(profileId)!
  }

  /** Values captured for one series, from the in-memory window the charts read. */
  async values(topic: string, field: string): Promise<number[]> {
    const snap = await this.invoke('capture:snapshot', {})
    const def = snap.defs.find((d) => d.topic === topic && d.field === field)
    if (!def) return []
    return [...snap.series.find((s) => s.id === def.id)!.v]
  }

  async waitForCount(
    topic: string,
    field: string,
    n: number,
    timeoutMs = 15_000
  ): Promise<number[]> {
    let last: number[] = []
    await waitUntil(
      async () => (last = await this.values(topic, field)).length >= n,
      `${n} values of ${topic}/${field} (have ${last.length})`,
      timeoutMs
    )
    return last
  }

  on<E extends EventChannel>(event: E, listener: (p: EventPayload<E>) => void): () => void {
    return this.core.on(event, listener)
  }

  async close(removeDir = true): Promise<void> {
    await this.core.close()
    if (removeDir) fs.rmSync(this.dataDir, { recursive: true, force: true })
  }
}
