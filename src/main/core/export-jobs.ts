// Exports into a file the user picks, each under its id with a cancel: the capture's CSV
// export and the database's run the same way.
import * as fs from 'node:fs'
import { AppError } from '../../shared/contract'
import type { ExportResult } from '../../shared/types'

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

export interface ExportOutcomeBase {
  status: 'done' | 'cancelled'
  rows: number
  bytes: number
  skippedBytes?: number
}

export class ExportJobs {
  private readonly running = new Map<string, { cancelled: boolean }>()

  /** Asks where `<prefix>-<time>.csv` goes, then writes it; an id runs once at a time. */
  async run(
    exportId: string,
    prefix: string,
    resolveTarget: ExportTargetResolver,
    write: (target: ExportTarget, isCancelled: () => boolean) => Promise<ExportOutcomeBase>
  ): Promise<ExportResult> {
    if (this.running.has(exportId)) throw new AppError('busy', 'This export is already running.')
    const state = { cancelled: false }
    this.running.set(exportId, state)
    try {
      const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')
      const target = await resolveTarget(`${prefix}-${stamp}.csv`, exportId)
      if (!target || state.cancelled) {
        const fileName = target?.fileName ?? ''
        return { exportId, status: 'cancelled', rows: 0, bytes: 0, fileName }
      }
      const { status, rows, bytes, skippedBytes } = await write(target, () => state.cancelled)
      return {
        exportId,
        status,
        rows,
        bytes,
        fileName: target.fileName,
        ...(skippedBytes === undefined ? {} : { skippedBytes }),
        ...(status === 'done' && target.downloadUrl ? { downloadUrl: target.downloadUrl } : {})
      }
    } finally {
      this.running.delete(exportId)
    }
  }

  cancel(exportId: string): boolean {
    const state = this.running.get(exportId)
    if (state) state.cancelled = true
    return state !== undefined
  }
}

/**
 * Writes `<target>.partial` and renames it when done, so a cancel or a failure never leaves a
 * half file under the chosen name.
 */
export async function writeWhole<T extends { status: 'done' | 'cancelled' }>(
  target: string,
  write: (partial: string) => Promise<T>
): Promise<T> {
  const partial = `${target}.partial`
  try {
    const outcome = await write(partial)
    if (outcome.status === 'done') fs.renameSync(partial, target)
    else fs.rmSync(partial, { force: true })
    return outcome
  } catch (error) {
    fs.rmSync(partial, { force: true })
    throw error
  }
}
