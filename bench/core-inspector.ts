// The serve process's V8, reached through its inspector, so that the core's memory is read
// after a full collection, as the page's JS heap is. A single RSS sample otherwise measures
// when the collector last ran as much as what the app holds.
import WebSocket from 'ws'
import { rssBytes } from './bench-lib'

/** Environment for startServe: the inspector on a free loopback port. */
export const INSPECT_ENV = { NODE_OPTIONS: '--inspect=127.0.0.1:0' }

/** The inspector's address, as the process printed it. */
export function inspectorUrl(output: string): string {
  const match = /Debugger listening on (ws:\/\/\S+)/.exec(output)
  if (!match) throw new Error(`the serve process printed no inspector address:\n${output}`)
  return match[1]
}

/** Runs a full garbage collection in the process and waits for it to finish. */
export async function collectGarbage(url: string): Promise<void> {
  const socket = new WebSocket(url)
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer from the inspector')), 30_000)
      socket.on('message', (data) => {
        const answer = JSON.parse(String(data)) as { id?: number; error?: { message: string } }
        if (answer.id !== 1) return
        clearTimeout(timer)
        if (answer.error) reject(new Error(answer.error.message))
        else resolve()
      })
      socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }))
    })
  } finally {
    socket.close()
  }
}

/** The process's RSS in MB as sampled, and after a full collection (a second to hand pages back). */
export async function coreRss(
  pid: number,
  inspector: string
): Promise<{ sampled: number; held: number }> {
  const sampled = rssBytes(pid) / 1048576
  await collectGarbage(inspector)
  await new Promise((r) => setTimeout(r, 1000))
  return { sampled, held: rssBytes(pid) / 1048576 }
}
