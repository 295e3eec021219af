import * as fs from 'node:fs'
import { afterAll, expect, it } from 'vitest'
import { describeWithMosquitto } from '../../../../../test-support/vitest-suites'
import { dispatch } from '../../dispatch'
import { CoreHarness } from '../../../../../test-support/core-harness'

const BROKER = { anonymous: true, password: false, persistence: true, autosaveInterval: 3600 }

describeWithMosquitto('asking the broker to save now', BROKER, (broker) => {
  const cores: CoreHarness[] = []
  const start = async (options: Parameters<typeof CoreHarness.start>[0]) => {
    const core = await CoreHarness.start(options)
    cores.push(core)
    return core
  }

  afterAll(async () => {
    for (const core of cores) await core.close()
  })

  it('the desktop app names the process of a pid file and SIGUSR1 makes Mosquitto save', async () => {
    const app = await start({ mode: 'desktop' })
    const found = await app.invoke('broker:find-process', { target: broker.pidFile })
    expect(found).toEqual({ pid: broker.pid(), name: 'mosquitto' })
    const before = fs.existsSync(broker.persistenceFile)
      ? fs.statSync(broker.persistenceFile).ino
      : 0
    const answer = await app.invoke('broker:save-now', {
      pid: found.pid,
      file: broker.persistenceFile
    })
    expect(answer).toEqual({
      saved: true,
      message: `Mosquitto (process ${found.pid}) saved ${broker.persistenceFile}.`
    })
    expect(fs.statSync(broker.persistenceFile).ino).not.toBe(before)
  })

  it('refuses a process that is not Mosquitto, and says when there is none', async () => {
    const app = await start({ mode: 'desktop' })
    await expect(app.invoke('broker:save-now', { pid: process.pid })).rejects.toThrow(
      /^Process \d+ is "[^"]+", not Mosquitto: SIGUSR1 would stop it\. Nothing was sent\.$/
    )
    await expect(
      app.invoke('broker:find-process', { target: '/nonexistent/m.pid' })
    ).rejects.toThrow(
      "There is no pid file /nonexistent/m.pid. Enter the broker's process id, or the path of its pid_file."
    )
    await expect(app.invoke('broker:find-process', { target: '1' })).rejects.toThrow(
      "1 is not a broker's process id."
    )
  })

  it('serve mode never sends signals', async () => {
    const app = await start({ mode: 'serve' })
    for (const call of [
      () => app.invoke('broker:find-process', { target: broker.pidFile }),
      () => app.invoke('broker:save-now', { pid: broker.pid()! })
    ])
      await expect(call()).rejects.toThrow(/^Serve mode never sends signals\./)
  })

  it('a read-only dashboard reads a persistence file but neither signals nor pins', async () => {
    const app = await start({ mode: 'serve', readOnly: true })
    await app.saveProfile({ id: 'p', name: 'P', host: '127.0.0.1', port: broker.ports.anonymous! })
    const readOnly = { readOnly: true }
    const save = await dispatch(
      app.core.handlers,
      'broker:save-now',
      { pid: broker.pid() },
      readOnly
    )
    expect(save).toMatchObject({ ok: false, error: { code: 'read-only' } })
    const pin = await dispatch(
      app.core.handlers,
      'broker:watch',
      { profileId: 'p', watching: true, pinned: true },
      readOnly
    )
    expect(pin).toMatchObject({
      ok: false,
      error: { message: 'This dashboard is read-only: the broker view cannot be pinned here.' }
    })
    const read = await dispatch(
      app.core.handlers,
      'broker:qshape',
      { profileId: 'p', file: broker.persistenceFile, options: {} },
      readOnly
    )
    expect(read).toMatchObject({ ok: true, value: { problem: null } })
    // Nothing remembered: a read-only dashboard writes nothing.
    expect(fs.existsSync(`${app.dataDir}/broker.json`)).toBe(false)
    const watch = await dispatch(
      app.core.handlers,
      'broker:watch',
      { profileId: 'p', watching: false },
      readOnly
    )
    expect(watch.ok).toBe(true)
  })
})
