// "Ask the broker to save now": Mosquitto writes its persistence file when it receives SIGUSR1.
// Only the desktop app on the broker's host does this, for a process the user names and then
// confirms; the process must be a Mosquitto, because SIGUSR1 stops most other programs.
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import { promisify } from 'node:util'
import { AppError } from '../../../shared/contract'
import type { BrokerProcess } from '../../../shared/broker-types'

const run = promisify(execFile)

async function processName(pid: number): Promise<string> {
  if (process.platform === 'linux') {
    try {
      return (await fs.promises.readFile(`/proc/${pid}/comm`, 'utf8')).trim()
    } catch {
      throw new AppError('not-found', `No process ${pid} is running.`)
    }
  }
  try {
    const { stdout } = await run('ps', ['-p', String(pid), '-o', 'comm='])
    return stdout.trim().split('/').pop() ?? ''
  } catch {
    throw new AppError('not-found', `No process ${pid} is running.`)
  }
}

/** A process id, or the first number in a pid file (Mosquitto's `pid_file`). */
async function pidOf(target: string): Promise<number> {
  const text = target.trim()
  if (/^\d+$/.test(text)) return Number(text)
  let content: string
  try {
    content = await fs.promises.readFile(text, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new AppError(
      'not-found',
      code === 'ENOENT'
        ? `There is no pid file ${text}. Enter the broker's process id, or the path of its pid_file.`
        : `Cannot read the pid file ${text}: ${(error as Error).message}`
    )
  }
  const match = /^\s*(\d+)\s*$/.exec(content.slice(0, 64))
  if (!match) throw new AppError('bad-request', `${text} does not hold a process id.`)
  return Number(match[1])
}

export async function findBrokerProcess(target: string): Promise<BrokerProcess> {
  if (process.platform === 'win32')
    throw new AppError(
      'unsupported',
      'Windows has no SIGUSR1: Mosquitto there saves at its autosave_interval and when it stops.'
    )
  const pid = await pidOf(target)
  // 0, 1 and negative ids mean process groups or init: never signalled.
  if (!(pid > 1 && pid <= 0x7fffffff))
    throw new AppError('bad-request', `${pid} is not a broker's process id.`)
  return { pid, name: await processName(pid) }
}

/**
 * Sends SIGUSR1 to a Mosquitto process and, given its persistence file, waits (up to
 * `waitMs`) until the file has been rewritten.
 */
export async function askBrokerToSave(
  pid: number,
  file: string | undefined,
  waitMs = 10_000
): Promise<{ saved: boolean; message: string }> {
  const found = await findBrokerProcess(String(pid))
  if (!/mosquitto/i.test(found.name))
    throw new AppError(
      'refused',
      `Process ${pid} is "${found.name}", not Mosquitto: SIGUSR1 would stop it. Nothing was sent.`
    )
  const before = file ? await stamp(file) : null
  try {
    process.kill(pid, 'SIGUSR1')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new AppError(
      code === 'EPERM' ? 'forbidden' : 'not-found',
      code === 'EPERM'
        ? `Process ${pid} belongs to another user: run "sudo kill -USR1 ${pid}" on the broker's host instead.`
        : `No process ${pid} is running.`
    )
  }
  if (!file) return { saved: false, message: `Sent SIGUSR1 to ${found.name} (process ${pid}).` }
  const deadline = Date.now() + waitMs
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const now = await stamp(file)
    if (now !== null && now !== before)
      return { saved: true, message: `Mosquitto (process ${pid}) saved ${file}.` }
  }
  return {
    saved: false,
    message: `Sent SIGUSR1 to process ${pid}, but ${file} did not change within ${Math.round(waitMs / 1000)} s: is persistence on, and is this its persistence file?`
  }
}

/** The file's identity and time: Mosquitto replaces it by a rename, so the inode changes too. */
async function stamp(file: string): Promise<string | null> {
  try {
    const s = await fs.promises.stat(file)
    return `${s.ino}:${s.mtimeMs}:${s.size}`
  } catch {
    return null
  }
}
