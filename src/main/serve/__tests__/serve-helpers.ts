// Test helpers: the real server around a real core in a temp folder, raw HTTP with any
// headers (fetch cannot set Host), and WebSocket handshakes that report how they ended.
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import WebSocket from 'ws'
import { baseCoreOptions } from '../../../../test-support/core-harness'
import { MonitorCore } from '../../core/monitor-core'
import { Downloads, startServer, type RunningServer } from '../server'

export interface TestServer {
  server: RunningServer
  core: MonitorCore
  downloads: Downloads
  dataDir: string
  /** http://127.0.0.1:PORT, whatever address the server is bound to. */
  base: string
  close(): Promise<void>
}

export const PAGE = '<!doctype html><title>MQTT Live Monitor test page</title>'

export async function startTestServer(options: {
  host: string
  token?: string
  readOnly?: boolean
}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-test-'))
  const rendererDir = path.join(dataDir, 'renderer')
  fs.mkdirSync(rendererDir)
  fs.writeFileSync(path.join(rendererDir, 'index.html'), PAGE)
  const downloads = new Downloads(path.join(dataDir, 'exports'))
  const core = await MonitorCore.create({
    ...baseCoreOptions(dataDir),
    readOnly: options.readOnly,
    exportTarget: downloads.resolver
  })
  const server = await startServer({
    core,
    host: options.host,
    port: 0,
    token: options.token,
    readOnly: options.readOnly,
    rendererDir,
    downloads
  })
  return {
    server,
    core,
    downloads,
    dataDir,
    base: `http://127.0.0.1:${server.port}`,
    close: async () => {
      await server.close()
      await core.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

export interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

export function request(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET'
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Opens a WebSocket and closes it again: 'open', or the HTTP status it was refused with. */
export function handshake(url: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => {
      ws.close()
      resolve('open')
    })
    ws.once('unexpected-response', (_req, res) => {
      resolve(`HTTP ${res.statusCode}`)
      ws.terminate()
    })
    ws.once('error', (error) => resolve(`error: ${error.message}`))
  })
}
