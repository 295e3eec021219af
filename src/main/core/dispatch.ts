import { z } from 'zod'
import {
  AppError,
  isInvokeChannel,
  parseRequest,
  writeChannels,
  type Envelope
} from '../../shared/contract'
import { REQUEST_LIMITS, shapeProblem } from '../../shared/json-shape'
import type { Handlers } from './monitor-core'

export interface DispatchOptions {
  readOnly?: boolean
}

/**
 * The one place a request from any binding enters the core: the channel must exist, the
 * arguments must match its schema, and whatever happens the answer is an envelope with
 * plain words, never a thrown stack.
 */
export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  raw: unknown,
  options: DispatchOptions = {}
): Promise<Envelope<unknown>> {
  try {
    if (!isInvokeChannel(channel))
      throw new AppError('bad-request', `Unknown request ${JSON.stringify(channel)?.slice(0, 80)}.`)
    if (options.readOnly && writeChannels.has(channel)) {
      throw new AppError(
        'read-only',
        'This dashboard is read-only: settings, connections and exports cannot be changed from here.'
      )
    }
    const problem = shapeProblem(raw, REQUEST_LIMITS)
    if (problem)
      throw new AppError('bad-request', `Request for ${channel} refused: it has ${problem}.`)
    const req = parseRequest(channel, raw)
    const handler = handlers[channel] as (req: unknown) => Promise<unknown>
    return { ok: true, value: await handler(req) }
  } catch (error) {
    return { ok: false, error: toPlainError(error) }
  }
}

export function toPlainError(error: unknown): { code: string; message: string } {
  if (error instanceof AppError) return { code: error.code, message: error.message }
  if (error instanceof z.ZodError) {
    const issue = error.issues[0]
    return {
      code: 'bad-request',
      message: `Invalid input${issue?.path.length ? ` (${issue.path.join('.')})` : ''}: ${issue?.message}`
    }
  }
  console.error(error)
  return {
    code: 'internal',
    message: `Something went wrong: ${(error as Error)?.message ?? String(error)}`
  }
}
