import * as fs from 'node:fs'
import * as path from 'node:path'
import type { ServerResponse } from 'node:http'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2'
}

/** Serves a file from `root`; paths that climb out of it are refused. */
export function serveStatic(root: string, urlPath: string, res: ServerResponse): boolean {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return false
  }
  const file = path.resolve(root, `.${decoded === '/' ? '/index.html' : decoded}`)
  if (!file.startsWith(path.resolve(root) + path.sep)) return false
  let stat: fs.Stats
  try {
    stat = fs.statSync(file)
  } catch {
    return false
  }
  if (!stat.isFile()) return false
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': stat.size,
    'Cache-Control': decoded.startsWith('/assets/')
      ? 'public, max-age=31536000, immutable'
      : 'no-cache'
  })
  fs.createReadStream(file).pipe(res)
  return true
}
