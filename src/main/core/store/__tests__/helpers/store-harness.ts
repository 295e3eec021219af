// A real capture journal feeding a real store writer into a real PostgreSQL, for the store's
// integration tests. Messages go through the same decoder and capture store the app uses.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { storeSettingsSchema, type StoreSettings } from '../../../../../shared/schemas'
import { newProfile } from '../../../../../shared/defaults'
import type { StoreStatus } from '../../../../../shared/store-types'
import type { PostgresServer } from '../../../../../../test-support/postgres'
import { waitUntil } from '../../../../../../test-support/wait'
import { CaptureStore } from '../../../capture/capture-store'
import { Ingest } from '../../../ingest'
import type { SessionHooks } from '../../pg-session'
import { PgStore } from '../../pg-store'
import { StoreWriter } from '../../store-writer'

export function storeSettings(pg: PostgresServer, schema: string): StoreSettings {
  return storeSettingsSchema.parse({ enabled: true, url: pg.url, sslmode: 'disable', schema })
}

/** A JSON reading as sensors send it: its own timestamp (ms) and one value. */
export function reading(ts: number, n: number): Buffer {
  return Buffer.from(JSON.stringify({ ts, n }))
}

export interface JournalHarness {
  dir: string
  capture: CaptureStore
  ingest: Ingest
  /** Opens the capture store again on the same folder (an app restart). */
  reopen(): Promise<void>
  close(): Promise<void>
}

export async function openJournal(
  options: { partBytes?: number; retentionBytes?: number; dir?: string } = {}
): Promise<JournalHarness> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'store-journal-'))
  const profile = newProfile('p1', {
    name: 'plant',
    topics: [{ filter: 'plant/#', qos: 1 }] as never
  })
  const open = async (): Promise<CaptureStore> => {
    const capture = await CaptureStore.open({
      dir,
      partBytes: options.partBytes ?? 64 * 1024,
      retentionBytes: options.retentionBytes,
      flushMs: 50
    })
    capture.startCapture()
    return capture
  }
  const harness: JournalHarness = {
    dir,
    capture: await open(),
    ingest: null as unknown as Ingest,
    async reopen() {
      await harness.capture.close()
      harness.capture = await open()
      harness.ingest = new Ingest(profile, harness.capture)
    },
    async close() {
      await harness.capture.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
  harness.ingest = new Ingest(profile, harness.capture)
  return harness
}

export interface WriterHarness {
  writer: StoreWriter
  backend: PgStore
  statuses: StoreStatus[]
  warnings: string[]
  waitFor(check: (s: StoreStatus) => boolean, what: string, timeoutMs?: number): Promise<void>
  stop(drainMs?: number): Promise<void>
}

export function startWriter(
  pg: PostgresServer,
  journal: JournalHarness,
  options: { schema: string; source: string; name: string; hooks?: SessionHooks; maxRows?: number }
): WriterHarness {
  const backend = new PgStore({
    connection: { settings: storeSettings(pg, options.schema), password: pg.password },
    writerName: options.name,
    hooks: options.hooks
  })
  const statuses: StoreStatus[] = []
  const warnings: string[] = []
  const writer = new StoreWriter({
    source: options.source,
    backend,
    parts: () => journal.capture.parts(),
    // A copy, as the page gets it: what was told then, whatever the writer does after.
    onStatus: (s) => statuses.push({ ...s }),
    warn: (m) => warnings.push(m),
    onPartStored: () => journal.capture.enforceRetention(),
    idleMs: 100,
    maxRows: options.maxRows
  })
  writer.start()
  return {
    writer,
    backend,
    statuses,
    warnings,
    async waitFor(check, what, timeoutMs = 30_000) {
      await waitUntil(
        () => {
          writer.refreshLag()
          return check(writer.status)
        },
        `${what} (store now ${JSON.stringify(writer.status)})`,
        timeoutMs
      )
    },
    async stop(drainMs = 0) {
      await writer.stop(drainMs)
      await backend.close()
    }
  }
}

/** The stored values of each series (topic), oldest first. */
export async function storedValues(
  pg: PostgresServer,
  schema: string
): Promise<Map<string, number[]>> {
  const rows = await pg.query<{ topic: string; value: number }>(
    `SELECT s.topic, r.value FROM "${schema}".readings r JOIN "${schema}".series s ON s.id = r.series_id ORDER BY s.topic, r.t`
  )
  const out = new Map<string, number[]>()
  for (const { topic, value } of rows.rows) {
    let list = out.get(topic)
    if (!list) out.set(topic, (list = []))
    list.push(value)
  }
  return out
}
