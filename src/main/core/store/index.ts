// The database store: the journal written to PostgreSQL exactly once per source, its state
// and lag, history charts and CSV from the database.
import type { InvokeChannel } from '../../../shared/contract'
import type { Handlers } from '../monitor-core'
import { StoreService, type StoreDeps } from './store-service'

type StoreChannel = Extract<InvokeChannel, `store:${string}`>

export interface StoreFeature {
  handlers: Pick<Handlers, StoreChannel>
  /** Starts the writer (after the capture store is open). */
  start(): void
  /** Cancels a running export from the database; false when there is none of that id. */
  cancelExport(exportId: string): boolean
  /** Stops; a clean shutdown first gives the database what the journal holds. */
  close(): Promise<void>
}

export function setupStore(deps: StoreDeps): StoreFeature {
  const service = new StoreService(deps)
  return {
    handlers: {
      'store:get': async () => service.view(),
      'store:save': async ({ settings, password }) => service.save(settings, password),
      'store:test': async ({ settings, password }) => service.test(settings, password),
      'store:series': async () => service.series(),
      'store:history': async (req) => service.history(req),
      'store:export': async (req) => service.exportCsv(req, deps.exportTarget)
    },
    start: () => service.start(),
    cancelExport: (exportId) => service.cancelExport(exportId),
    close: () => service.close()
  }
}
