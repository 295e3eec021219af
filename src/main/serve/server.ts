import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as path from 'node:path'
import { WebSocketServer } from 'ws'
import { eventChannels } from '../../shared/contract'
import { decodeFrame, encodeFrame, type WireMessage } from '../../shared/frame-codec'
import { dispatch } from '../core/dispatch'
import type { MonitorCore } from '../core/monitor-core'
import type { ExportTargetResolver } from '../core/export-jobs'
import {
  ClientLink,
  DEFAULT_CLIENT_LIMITS,
  type ClientLimits,
  type ClientStats
} from './client-link'
import { serveStatic } from './static-files'

const COOKIE = 'mlm_token'
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

export interface ServeOptions {
  core: MonitorCore
  host: string
  port: number
  /** Required on every request when set (always set when bound beyond loopback). */
  token?: string
  readOnly?: boolean
  rendererDir: string
  downloads: Downloads
  /** Per-client memory and request limits; the defaults suit a browser on the dashboard. */
  limits?: Partial<ClientLimits>
  /** Told when the server disconnects a client for falling behind, with what it held. */
  onClientDropped?: (stats: ClientStats, reason: string) => void
}

export interface RunningServer {
  url: string
  port: number
  /** What each connected WebSocket client holds on the server now. */
  clients(): ClientStats[]
  close(): Promise<void>
}

export function isLoopback(host: string): boolean {
  return (
    host === '127.0.0.1' ||
    host === 'localhost' ||
    host === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(host)
  )
}

/** Finished exports waiting for the browser to fetch them. */
export class Downloads {
  private readonly ready = new Map<string, { path: string; fileName: string }>()

  constructor(private readonly dir: string) {
    fs.rmSync(dir, { recursive: true, force: true })
    fs.mkdirSync(dir, { recursive: true })
  }

  readonly resolver: ExportTargetResolver = async (fileName, exportId) => {
    const id = exportId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64) || crypto.randomUUID()
    const file = path.join(this.dir, `${id}.csv`)
    this.ready.set(id, { path: file, fileName })
    return { path: file, fileName, downloadUrl: `downloads/${id}` }
  }

  /** Hands a finished export out exactly once: a second request finds nothing. */
  take(id: string): { path: string; fileName: string } | undefined {
    const entry = this.ready.get(id)
    this.ready.delete(id)
    if (!entry || !fs.existsSync(entry.path)) return undefined
    return entry
  }
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { core, token } = options
  const server = http.createServer((req, res) => handleHttp(req, res, options))
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 })
  const limits: ClientLimits = { ...DEFAULT_CLIENT_LIMITS, ...options.limits }
  const clients = new Set<ClientLink>()

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (
      url.pathname !== '/ws' ||
      !hostAllowed(req, options) ||
      !originAllowed(req) ||
      !tokenOk(req, url, token)
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const link = new ClientLink(
        ws,
        limits,
        (data) => handleWire(data, options),
        (ended) => {
          clients.delete(ended)
          if (ended.droppedFor) options.onClientDropped?.(ended.snapshot(), ended.droppedFor)
        }
      )
      clients.add(link)
    })
  })
  const stallCheck = setInterval(
    () => {
      const now = Date.now()
      for (const link of clients) link.checkStall(now)
    },
    Math.min(1000, limits.stallMs / 2)
  )
  stallCheck.unref?.()

  const unsubscribe = eventChannels.map((channel) =>
    core.on(channel, (payload) => {
      if (clients.size === 0) return
      let frame: Uint8Array | null = null
      const encoded = (): Uint8Array =>
        (frame ??= encodeFrame({ kind: 'event', channel, payload } satisfies WireMessage))
      for (const link of clients) link.event(channel, payload, encoded)
    })
  )

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host
  const url = `http://${shownHost}:${port}/${token ? `?token=${token}` : ''}`
  return {
    url,
    port,
    clients: () => [...clients].map((link) => link.snapshot()),
    close: async () => {
      clearInterval(stallCheck)
      unsubscribe.forEach((off) => off())
      for (const link of clients) link.end()
      for (const ws of wss.clients) ws.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** One request from a client: its reply, or null for a frame that is not a request. */
async function handleWire(data: Buffer, options: ServeOptions): Promise<WireMessage | null> {
  let message: WireMessage
  try {
    message = decodeFrame(data) as WireMessage
  } catch {
    return null
  }
  if (message?.kind !== 'invoke' || typeof message.id !== 'number') return null
  const envelope = await dispatch(options.core.handlers, message.channel, message.req, {
    readOnly: options.readOnly
  })
  return { kind: 'result', id: message.id, envelope }
}

function handleHttp(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  options: ServeOptions
): void {
  res.setHeader('Content-Security-Policy', CSP)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'DENY')
  const url = new URL(req.url ?? '/', 'http://x')
  if (!hostAllowed(req, options)) return deny(res, 421, 'Misdirected request')
  if (!tokenOk(req, url, options.token))
    return deny(
      res,
      401,
      'A valid token is required: open the address the server printed, with its ?token=…'
    )
  if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Method not allowed')
  if (options.token && url.searchParams.get('token') === options.token) {
    res.setHeader('Set-Cookie', `${COOKIE}=${options.token}; HttpOnly; SameSite=Strict; Path=/`)
  }
  const download = /^\/downloads\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname)
  if (download) return sendDownload(download[1], res, options)
  if (!serveStatic(options.rendererDir, url.pathname, res)) deny(res, 404, 'Not found')
}

function sendDownload(id: string, res: http.ServerResponse, options: ServeOptions): void {
  if (options.readOnly) return deny(res, 403, 'This dashboard is read-only.')
  const entry = options.downloads.take(id)
  if (!entry) return deny(res, 404, 'This export is no longer available; export again.')
  const size = fs.statSync(entry.path).size
  res.writeHead(200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Length': size,
    'Content-Disposition': `attachment; filename="${entry.fileName.replace(/[^\w.-]/g, '_')}"`
  })
  const stream = fs.createReadStream(entry.path)
  stream.pipe(res)
  // Sent (or the browser went away): the file has served its one purpose.
  res.on('close', () => fs.rmSync(entry.path, { force: true }))
}

function deny(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
  res.end(`${message}\n`)
}

function tokenOk(req: http.IncomingMessage, url: URL, token: string | undefined): boolean {
  if (!token) return true
  const given = url.searchParams.get('token') ?? cookie(req, COOKIE)
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}

function cookie(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return v.join('=')
  }
  return undefined
}

/** On loopback, only loopback host names: a DNS-rebinding page cannot reach the server. */
function hostAllowed(req: http.IncomingMessage, options: ServeOptions): boolean {
  if (!isLoopback(options.host)) return true
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  return isLoopback(host)
}

/** A WebSocket from another site's page is refused (browsers always send Origin). */
function originAllowed(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin
  if (!origin) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}
