// The real capture CLI as a child process (run from source through tsx, so no build is
// needed), with its log lines collected for the tests to wait on.
import { spawn, type ChildProcess } from 'node:child_process'
import * as path from 'node:path'
import { waitUntil } from '../../../../test-support/wait'

const CLI = path.resolve('src/main/serve/capture-cli.ts')

export interface Worker {
  child: ChildProcess
  lines: string[]
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>
  /** SIGTERM, and the exit code once it has stopped. */
  stop(timeoutMs?: number): Promise<number | null>
}

export function startWorker(args: string[], env: NodeJS.ProcessEnv = {}): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env }
  })
  const lines: string[] = []
  let rest = ''
  const take = (chunk: Buffer): void => {
    rest += chunk.toString()
    const parts = rest.split('\n')
    rest = parts.pop() ?? ''
    lines.push(...parts)
  }
  child.stdout!.on('data', take)
  child.stderr!.on('data', take)
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code))
  )
  return {
    child,
    lines,
    async waitForLine(pattern, timeoutMs = 20_000) {
      await waitUntil(
        () => {
          if (child.exitCode !== null) throw new Error(`the worker exited:\n${lines.join('\n')}`)
          return lines.some((l) => pattern.test(l))
        },
        `${pattern} in the worker's log:\n${lines.join('\n')}`,
        timeoutMs
      )
      return lines.find((l) => pattern.test(l))!
    },
    async stop(timeoutMs = 30_000) {
      if (child.exitCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
      const code = await exited
      clearTimeout(timer)
      return code
    }
  }
}
