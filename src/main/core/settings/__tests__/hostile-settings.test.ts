// A layout nested thousands deep: refused when saved, and dropped alone when an older
// version already saved it, so no later start trips over it.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { newProfile } from '../../../../shared/defaults'
import type { Notice } from '../../../../shared/types'
import { FileSecretStore } from '../secret-store'
import { JsonFileBackend } from '../settings-backend'
import { SettingsService } from '../settings-service'

let dir: string
let notices: Notice[]
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-settings-'))
  notices = []
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

function open(): SettingsService {
  return new SettingsService(
    new JsonFileBackend(path.join(dir, 'settings.json')),
    new FileSecretStore(path.join(dir, 'secrets.json'), {}),
    (n) => notices.push(n)
  )
}

function nested(depth: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = { charts: [value] }
  return value
}

describe('a chart layout nested too deeply', () => {
  it('is refused on save with a reason, and the stored layout is kept', () => {
    const settings = open()
    settings.saveUi({ layout: { version: 1, charts: [] } })
    expect(() => settings.saveUi({ layout: nested(2200) })).toThrow(
      'the chart layout is too large or nested too deeply'
    )
    expect(open().current.ui.layout).toEqual({ version: 1, charts: [] })
  })

  it('already on disk: dropped alone with a notice; profiles and theme kept; written back clean', () => {
    open().saveProfile({ profile: newProfile('p1', { name: 'Lab' }) })
    open().saveUi({ theme: 'dark' })
    // Then the deep layout, as an older version would have written it.
    const file = path.join(dir, 'settings.json')
    const deep = '{"charts":['.repeat(2200) + '1' + ']}'.repeat(2200)
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { ui: Record<string, unknown> }
    stored.ui.layout = 'DEEP'
    const text = JSON.stringify(stored).replace('"DEEP"', deep)
    expect(text).toContain(deep)
    fs.writeFileSync(file, text)
    const settings = open()
    expect(settings.current.profiles.map((p) => p.name)).toEqual(['Lab'])
    expect(settings.current.ui.theme).toBe('dark')
    expect(settings.current.ui.layout).toBeUndefined()
    expect(notices.map((n) => n.message)).toEqual([
      'The saved chart layout could not be used (it has nested deeper than 12 levels), so the charts start from the default layout.'
    ])
    // The next start has nothing to complain about.
    notices = []
    open()
    expect(notices).toEqual([])
    expect(fs.readFileSync(file, 'utf8').length).toBeLessThan(2000)
  })
})
