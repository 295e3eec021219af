import { AppError } from '../../../shared/contract'
import { exportRequestSchema, type ExportRequest } from '../../../shared/schemas'
import type { ExportProgress, ExportResult } from '../../../shared/types'
import type { CaptureStore } from '../capture/capture-store'
import { exportCsv } from './csv-exporter'

export interface ExportTarget {
  /** Where the CSV is written. */
  path: string
  fileName: string
  /** Serve mode: where the browser downloads the finished file. */
  downloadUrl?: string
}

/** Picks where an export goes; null when the user cancelled (closed the save dialog). */
export type ExportTargetResolver = (
  suggestedName: string,
  exportId: string
) => Promise<ExportTarget | null>

export function suggestedFileName(now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')
  return `mqtt-capture-${stamp}.csv`
}

/** Runs exports with progress and cancel; several may run at once, each under its id. */
export class ExportService {
  private readonly running = new Map<string, { cancelled: boolean }>()

  constructor(
    private readonly store: CaptureStore,
    private readonly resolveTarget: ExportTargetResolver,
    private readonly progress: (progress: ExportProgress) => void
  ) {}

  async start(input: ExportRequest): Promise<ExportResult> {
    const req = exportRequestSchema.parse(input)
    if (this.running.has(req.exportId))
      throw new AppError('busy', 'This export is already running.')
    const state = { cancelled: false }
    this.running.set(req.exportId, state)
    try {
      const target = await this.resolveTarget(suggestedFileName(), req.exportId)
      if (!target || state.cancelled)
        return {
          exportId: req.exportId,
          status: 'cancelled',
          rows: 0,
          bytes: 0,
          fileName: target?.fileName ?? ''
        }
      const outcome = await exportCsv(this.store.parts(req.captureIds), target.path, req, {
        isCancelled: () => state.cancelled,
        onProgress: (p) => this.progress({ exportId: req.exportId, ...p }),
        onDamage: (part, damage) => this.store.recordDamage(part, damage)
      }).catch((error: unknown) => {
        throw new AppError('export-failed', describeExportError(error, target.fileName))
      })
      return {
        exportId: req.exportId,
        status: outcome.status,
        rows: outcome.rows,
        bytes: outcome.bytes,
        fileName: target.fileName,
        skippedBytes: outcome.skippedBytes,
        ...(outcome.status === 'done' && target.downloadUrl
          ? { downloadUrl: target.downloadUrl }
          : {})
      }
    } finally {
      this.running.delete(req.exportId)
    }
  }

  cancel(exportId: string): boolean {
    const state = this.running.get(exportId)
    if (state) state.cancelled = true
    return state !== undefined
  }
}

function describeExportError(error: unknown, fileName: string): string {
  const code = (error as NodeJS.ErrnoException)?.code
  if (code === 'ENOSPC')
    return `The disk is full: ${fileName} was not written. Free some space and export again.`
  if (code === 'EACCES' || code === 'EPERM')
    return `Cannot write ${fileName} there (permission denied). Choose another folder.`
  if (code === 'ENOENT')
    return `The folder for ${fileName} does not exist any more. Choose another folder.`
  return `The export failed: ${(error as Error)?.message ?? String(error)}`
}
