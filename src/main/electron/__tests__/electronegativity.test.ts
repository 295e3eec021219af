// `npm run security` (Electronegativity, offline) is clean on our sources, and is not a scan
// that passes everything: an insecure app next to it fails.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const SCRIPT = path.resolve('.ci/electronegativity.mjs')
const scan = (dir: string) => {
  const r = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, out: `${r.stdout}${r.stderr}` }
}

const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'insecure-app-'))
afterAll(() => fs.rmSync(bad, { recursive: true, force: true }))

describe('Electronegativity', () => {
  it('finds nothing above informational in src/ (beyond the two reviewed, explained ones)', () => {
    const { code, out } = scan(path.resolve('src'))
    expect(out).toMatch(
      /^0 above informational, \d+ accepted after review, \d+ informational, 0 files not parsed$/m
    )
    expect(code).toBe(0)
  })

  it('fails an app with Node integration, no isolation and an unsafe-eval CSP', () => {
    // A deliberately insecure sample app, written to a temp folder only: the negative control
    // proving the scan can fail. The app's own settings are in src/main/electron/window.ts.
    fs.writeFileSync(
      path.join(bad, 'main.js'),
      `const { BrowserWindow } = require('electron')
const win = new BrowserWindow({ webPreferences: { preload: 'p.js', nodeIntegration: true, contextIsolation: false, sandbox: false } })
win.loadURL('http://example.com/')
`
    )
    fs.writeFileSync(
      path.join(bad, 'index.html'),
      `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'unsafe-eval'"></head><body></body></html>`
    )
    const { code, out } = scan(bad)
    expect(code).toBe(1)
    for (const id of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'CSP_GLOBAL_CHECK'])
      expect(out).toContain(id)
    expect(out).not.toMatch(/CSP_GLOBAL_CHECK.*\n.*accepted/)
    expect(out).toMatch(/^[1-9]\d* above informational/m)
  })
})
