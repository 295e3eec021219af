// Serve mode's doors, on the real HTTP + WebSocket server with a real core: the token beyond
// loopback, Host and Origin checks on loopback, and read-only mode.
import * as fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectWsApi } from '../../../../test-support/ws-api'
import { writeChannels, type InvokeChannel } from '../../../shared/contract'
import { PAGE, handshake, request, startTestServer, type TestServer } from './serve-helpers'

const TOKEN = 'tok-3f9a1c7e5b2d4a6f8e0c'

describe('bound beyond loopback (0.0.0.0): a token is required', () => {
  let t: TestServer
  let ws: string
  beforeAll(async () => {
    t = await startTestServer({ host: '0.0.0.0', token: TOKEN })
    ws = `ws://127.0.0.1:${t.server.port}/ws`
  })
  afterAll(() => t?.close())

  it('prints an address that carries the token', () => {
    expect(t.server.url).toBe(`http://0.0.0.0:${t.server.port}/?token=${TOKEN}`)
  })

  it('refuses HTTP without the token, or with a wrong one, and serves nothing', async () => {
    for (const url of [
      `${t.base}/`,
      `${t.base}/index.html`,
      `${t.base}/downloads/abc`,
      `${t.base}/?token=wrong`,
      `${t.base}/?token=${TOKEN.slice(0, -1)}`,
      `${t.base}/?token=${TOKEN}x`
    ]) {
      const reply = await request(url)
      expect(reply.status, url).toBe(401)
      expect(reply.body).toMatch(/A valid token is required/)
      expect(reply.body).not.toContain(PAGE)
      expect(reply.headers['set-cookie']).toBeUndefined()
    }
    const forged = await request(`${t.base}/`, { cookie: 'mlm_token=wrong' })
    expect(forged.status).toBe(401)
  })

  it('serves the page with the token, and sets a strict HttpOnly cookie for later requests', async () => {
    const reply = await request(`${t.base}/?token=${TOKEN}`)
    expect(reply.status).toBe(200)
    expect(reply.body).toBe(PAGE)
    expect(reply.headers['set-cookie']).toEqual([
      `mlm_token=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`
    ])
    const later = await request(`${t.base}/index.html`, { cookie: `mlm_token=${TOKEN}` })
    expect(later.status).toBe(200)
    expect(later.body).toBe(PAGE)
  })

  it('refuses a WebSocket without the token or with a wrong one, and accepts the token', async () => {
    expect(await handshake(ws)).toBe('HTTP 403')
    expect(await handshake(`${ws}?token=wrong`)).toBe('HTTP 403')
    expect(await handshake(ws, { cookie: 'mlm_token=wrong' })).toBe('HTTP 403')
    expect(await handshake(`${ws}?token=${TOKEN}`)).toBe('open')
    expect(await handshake(ws, { cookie: `mlm_token=${TOKEN}` })).toBe('open')
    const api = await connectWsApi(`${t.base}/?token=${TOKEN}`)
    expect(await api.invoke('app:info')).toMatchObject({ mode: 'serve', readOnly: false })
    await api.close()
  })

  it('refuses a WebSocket from another site even with the cookie', async () => {
    expect(
      await handshake(ws, { cookie: `mlm_token=${TOKEN}`, origin: 'https://evil.example' })
    ).toBe('HTTP 403')
  })
})

describe('bound to loopback: no token, but only loopback names and origins', () => {
  let t: TestServer
  let port: number
  beforeAll(async () => {
    t = await startTestServer({ host: '127.0.0.1' })
    port = t.server.port
  })
  afterAll(() => t?.close())

  it('serves the page without a token, under loopback host names', async () => {
    expect(t.server.url).toBe(`http://127.0.0.1:${port}/`)
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const reply = await request(`${t.base}/`, { host })
      expect(reply.status, host).toBe(200)
      expect(reply.body).toBe(PAGE)
    }
  })

  it('refuses a foreign Host header (DNS rebinding) on HTTP and WebSocket', async () => {
    for (const host of [
      `evil.example:${port}`,
      'attacker.test',
      `127.0.0.1.evil.example:${port}`
    ]) {
      const reply = await request(`${t.base}/`, { host })
      expect(reply.status, host).toBe(421)
      expect(reply.body).not.toContain(PAGE)
      expect(await handshake(`ws://127.0.0.1:${port}/ws`, { host })).toBe('HTTP 403')
    }
  })

  it('refuses a WebSocket opened by another site, and accepts our own page', async () => {
    const ws = `ws://127.0.0.1:${port}/ws`
    expect(await handshake(ws, { origin: 'https://evil.example' })).toBe('HTTP 403')
    expect(await handshake(ws, { origin: `http://localhost:${port}` })).toBe('HTTP 403')
    expect(await handshake(ws, { origin: 'null' })).toBe('HTTP 403')
    expect(await handshake(ws, { origin: `http://127.0.0.1:${port}` })).toBe('open')
  })

  it('sends the CSP (no unsafe-eval) and anti-framing headers, and takes only GET', async () => {
    const reply = await request(`${t.base}/`)
    const csp = String(reply.headers['content-security-policy'])
    expect(csp).toMatch(/script-src 'self'(;|$)/)
    expect(csp).toContain("object-src 'none'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-eval')
    expect(reply.headers['x-frame-options']).toBe('DENY')
    expect(reply.headers['x-content-type-options']).toBe('nosniff')
    expect((await request(`${t.base}/`, {}, 'POST')).status).toBe(405)
    expect((await request(`${t.base}/../../etc/passwd`)).status).toBe(404)
  })
})

describe('read-only (a wall dashboard)', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer({ host: '0.0.0.0', token: TOKEN, readOnly: true })
  })
  afterAll(() => t?.close())

  /** A well-formed request for each write channel: refused for being a write, not for its shape. */
  const requests: Record<string, unknown> = {
    'settings:save-profile': {
      profile: { id: 'p', name: 'P', host: 'h', clientId: 'c' },
      password: { action: 'set', value: 'pw-never-stored' }
    },
    'settings:delete-profile': { profileId: 'p' },
    'settings:select-profile': { profileId: 'p' },
    'settings:save-ui': { theme: 'dark' },
    'connection:open': { profileId: 'p' },
    'connection:close': { profileId: 'p' },
    'capture:delete': { captureId: 'c' },
    'export:start': { exportId: 'e1' },
    'export:cancel': { exportId: 'e1' },
    'dialog:pick-file': { purpose: 'ca' }
  }

  it('refuses every write channel with a plain message, and changes nothing on disk', async () => {
    const before = fs.readdirSync(t.dataDir).sort()
    const api = await connectWsApi(`${t.base}/?token=${TOKEN}`)
    expect(await api.invoke('app:info')).toMatchObject({ readOnly: true })
    for (const channel of writeChannels) {
      await expect(
        api.invoke(channel as InvokeChannel, requests[channel] as never),
        channel
      ).rejects.toThrow(
        'This dashboard is read-only: settings, connections and exports cannot be changed from here.'
      )
    }
    // Reading still works.
    expect(await api.invoke('settings:get')).toMatchObject({ profiles: [] })
    expect(await api.invoke('capture:list')).toEqual(expect.any(Array))
    await api.close()
    expect(fs.readdirSync(t.dataDir).sort()).toEqual(before)
    expect(fs.existsSync(`${t.dataDir}/secrets.json`)).toBe(false)
  })

  it('refuses downloads, even of an export that exists', async () => {
    const target = (await t.downloads.resolver('run.csv', 'ready-1'))!
    fs.writeFileSync(target.path, 'time,value\n1,2\n')
    const reply = await request(`${t.base}/${target.downloadUrl}?token=${TOKEN}`)
    expect(reply.status).toBe(403)
    expect(reply.body).toMatch(/read-only/)
    expect(reply.body).not.toContain('time,value')
  })
})

describe('downloads when writable (the control for the read-only case)', () => {
  it('hands over a finished export once, with the token', async () => {
    const t = await startTestServer({ host: '127.0.0.1' })
    try {
      const target = (await t.downloads.resolver('run 1.csv', 'ready-2'))!
      fs.writeFileSync(target.path, 'time,value\n1,2\n')
      const reply = await request(`${t.base}/${target.downloadUrl}`)
      expect(reply.status).toBe(200)
      expect(reply.body).toBe('time,value\n1,2\n')
      expect(reply.headers['content-disposition']).toBe('attachment; filename="run_1.csv"')
      expect((await request(`${t.base}/${target.downloadUrl}`)).status).toBe(404)
    } finally {
      await t.close()
    }
  })
})
