// This installation's name in the database's offset table: made once per data folder, so a
// restart continues where it stopped and two workers (two data folders) never share one.
import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

const FILE = 'store-source.json'

export function sourceName(dataDir: string): string {
  const file = path.join(dataDir, FILE)
  try {
    const saved = (JSON.parse(fs.readFileSync(file, 'utf8')) as { source?: unknown }).source
    if (typeof saved === 'string' && saved.length > 0 && saved.length <= 200) return saved
  } catch {
    // none yet (or unreadable): make one
  }
  const host =
    os
      .hostname()
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .slice(0, 60) || 'host'
  const source = `${host}-${crypto.randomBytes(4).toString('hex')}`
  try {
    fs.mkdirSync(dataDir, { recursive: true })
    fs.writeFileSync(`${file}.tmp`, `${JSON.stringify({ source })}\n`)
    fs.renameSync(`${file}.tmp`, file)
  } catch {
    // A read-only data folder: the name holds for this run only.
  }
  return source
}
