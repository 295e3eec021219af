// The real serve CLI (run from source through tsx, so no build is needed): its flags, its
// refusal of unknown ones, and the token it generates when bound beyond loopback.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { serveAppsPerTest } from '../../../../test-support/vitest-suites'
import { connectWsApi } from '../../../../test-support/ws-api'
import { handshake, request } from './serve-helpers'

const CLI = path.resolve('src/main/serve/cli.ts')
const NODE_ARGS = ['--import', 'tsx', CLI]

function runToExit(args: string[]): { code: number | null; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, [...NODE_ARGS, ...args], {
    encoding: 'utf8',
    timeout: 20_000
  })
  return { code: result.status, stderr: result.stderr, stdout: result.stdout }
}

describe('the serve CLI', () => {
  const start = serveAppsPerTest({ fromSource: true })

  it('refuses an unknown flag with its usage, and a bad port or short token', () => {
    const unknown = runToExit(['--frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('Unknown option --frobnicate')
    expect(unknown.stderr).toMatch(/Usage: npm run serve -- .*--read-only/)
    expect(unknown.stdout).not.toMatch(/^http/m)
    const port = runToExit(['--port', '70000'])
    expect(port.code).toBe(2)
    expect(port.stderr).toContain('--port must be 0..65535')
    const token = runToExit(['--host', '0.0.0.0', '--token', 'abc'])
    expect(token.code).toBe(2)
    expect(token.stderr).toContain('--token must be at least 16 characters')
  })

  it('binds to 127.0.0.1 by default, with no token in its address', async () => {
    const { url } = await start([])
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const reply = await request(url)
    expect(reply.status).not.toBe(401)
  })

  it('generates a token when bound beyond loopback, prints it, and checks it on every request', async () => {
    const first = await start(['--host', '0.0.0.0'])
    const url = first.url
    const match = /^http:\/\/0\.0\.0\.0:(\d+)\/\?token=([A-Za-z0-9_-]{32})$/.exec(url)
    expect(match, url).not.toBeNull()
    const [, port, token] = match!
    const base = `http://127.0.0.1:${port}`
    expect((await request(`${base}/`)).status).toBe(401)
    expect((await request(`${base}/?token=not-the-token`)).status).toBe(401)
    const ok = await request(`${base}/?token=${token}`)
    // Past the token check (the page itself is only there once built: 200, else 404).
    expect([200, 404]).toContain(ok.status)
    expect(ok.headers['set-cookie']?.[0]).toBe(
      `mlm_token=${token}; HttpOnly; SameSite=Strict; Path=/`
    )
    expect(await handshake(`ws://127.0.0.1:${port}/ws`)).toBe('HTTP 403')
    expect(await handshake(`ws://127.0.0.1:${port}/ws?token=${token}`)).toBe('open')
    // A fresh run makes a different token.
    const again = await start(['--host', '0.0.0.0'])
    expect(again.url).not.toContain(token)
    // SIGTERM stops it cleanly.
    expect(await first.stop()).toBe(0)
  })

  it('uses a token given with --token', async () => {
    const token = 'my-wall-token-0123456789'
    const { url } = await start(['--host', '0.0.0.0', '--token', token, '--read-only'])
    expect(url).toMatch(new RegExp(`\\?token=${token}$`))
    const port = /:(\d+)\//.exec(url)![1]
    expect((await request(`http://127.0.0.1:${port}/`)).status).toBe(401)
  })

  it('stages an export in --export-dir, not the data folder (which may be full), and cleans up', async () => {
    const exportRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-exports-'))
    try {
      const app = await start(['--export-dir', exportRoot])
      const dataDir = app.dataDir
      const api = await connectWsApi(app.url)
      const result = await api.invoke('export:start', { exportId: 'staged' })
      await api.close()
      expect(result).toMatchObject({ status: 'done', downloadUrl: 'downloads/staged' })
      const [own] = fs.readdirSync(exportRoot)
      expect(own).toMatch(/^mqtt-monitor-exports-/)
      expect(fs.readdirSync(path.join(exportRoot, own))).toEqual(['staged.csv'])
      expect(fs.existsSync(path.join(dataDir, 'exports'))).toBe(false)
      await app.stop()
      expect(fs.readdirSync(exportRoot)).toEqual([])
    } finally {
      fs.rmSync(exportRoot, { recursive: true, force: true })
    }
  })
})
