import * as fs from 'node:fs'
import type { MosquittoBroker } from '../../../../../e2e/fixtures/mosquitto'
import { waitUntil } from '../../../../../e2e/fixtures/wait'

/** The broker log's current length: pass it to waitForLog to see only what comes after. */
export function logMark(broker: MosquittoBroker): number {
  try {
    return fs.statSync(broker.logFile).size
  } catch {
    return 0
  }
}

export function logSince(broker: MosquittoBroker, mark: number): string {
  try {
    return fs.readFileSync(broker.logFile).subarray(mark).toString('utf8')
  } catch {
    return ''
  }
}

/** Waits until the broker logs `pattern` after `mark` (no sleeps: the broker says when). */
export async function waitForLog(
  broker: MosquittoBroker,
  pattern: RegExp,
  mark = 0,
  timeoutMs = 15_000
): Promise<string> {
  let text = ''
  await waitUntil(
    () => pattern.test((text = logSince(broker, mark))),
    `${pattern} in ${broker.logFile}`,
    timeoutMs
  )
  return text
}

/** Waits for the broker to have the subscription of `clientId` (logged after `mark`). */
export function waitForSubscribe(
  broker: MosquittoBroker,
  clientId: string,
  mark = 0
): Promise<string> {
  return waitForLog(broker, new RegExp(`Received SUBSCRIBE from ${escape(clientId)}\\b`), mark)
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** `count` CSV readings of the reference device, distinct so loss and duplicates show. */
export function readings(count: number, from = 0): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${(from + i).toFixed(2)},${(1000 + from + i).toFixed(2)},${(i / 4).toFixed(2)}`
  )
}
