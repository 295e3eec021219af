import { AppError } from '../../../shared/contract'
import { exportRequestSchema, type ExportRequest } from '../../../shared/schemas'
import type { ExportProgress, ExportResult } from '../../../shared/types'
import type { CaptureStore } from '../capture/capture-store'
import { ExportJobs, type ExportTargetResolver } from '../export-jobs'
import { exportCsv } from './csv-exporter'

/** Runs exports of captures with progress and cancel; several may run at once, each under its id. */
export class ExportService {
  private readonly jobs = new ExportJobs()

  constructor(
    private readonly store: CaptureStore,
    private readonly resolveTarget: ExportTargetResolver,
    private readonly progress: (progress: ExportProgress) => void
  ) {}

  async start(input: ExportRequest): Promise<ExportResult> {
    const req = exportRequestSchema.parse(input)
    return this.jobs.run(req.exportId, 'mqtt-capture', this.resolveTarget, (target, isCancelled) =>
      exportCsv(this.store.parts(req.captureIds), target.path, req, {
        isCancelled,
        onProgress: (p) => this.progress({ exportId: req.exportId, ...p }),
        onDamage: (part, damage) => this.store.recordDamage(part, damage)
      }).catch((error: unknown) => {
        throw new AppError('export-failed', describeExportError(error, target.fileName))
      })
    )
  }

  cancel(exportId: string): boolean {
    return this.jobs.cancel(exportId)
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
