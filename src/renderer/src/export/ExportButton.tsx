import { useEffect, useId, useRef, useState } from 'react'
import type { Api } from '../../../shared/contract'
import type { CaptureInfo, ExportProgress, ExportResult } from '../../../shared/types'
import { errorMessage, newId } from '../util/id'
import { ExportDialogFields } from './ExportDialog'
import { allChoices, buildExportRequest, type ExportChoices } from './export-request'

interface Props {
  api: Api
  readOnly: boolean
  /** The page's `token` parameter, added to a serve-mode download link that lacks one. */
  token?: string | null
}

export function resultText(result: ExportResult): string {
  if (result.status === 'cancelled') return 'Export cancelled'
  const done = `Exported ${result.rows} ${result.rows === 1 ? 'row' : 'rows'} to ${result.fileName}`
  const skipped = result.skippedBytes ?? 0
  if (skipped === 0) return done
  return `${done}. ${skipped} damaged ${skipped === 1 ? 'byte' : 'bytes'} of the capture were skipped; the notices say where.`
}

export function download(url: string, fileName: string, token: string | null | undefined): void {
  const target = new URL(url, window.location.href)
  if (token && target.origin === window.location.origin && !target.searchParams.has('token')) {
    target.searchParams.set('token', token)
  }
  const a = document.createElement('a')
  a.href = target.href
  a.download = fileName
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
}

/** "Export CSV": a dialog of choices, then a streamed export with progress and cancel. */
export function ExportButton({ api, readOnly, token }: Props): React.JSX.Element {
  const titleId = useId()
  const dialog = useRef<HTMLDialogElement>(null)
  const [captures, setCaptures] = useState<CaptureInfo[]>([])
  const [choices, setChoices] = useState<ExportChoices | null>(null)
  const [formError, setFormError] = useState('')
  const [running, setRunning] = useState<string | null>(null)
  const [progress, setProgress] = useState<ExportProgress | null>(null)
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null)
  const runningRef = useRef<string | null>(null)

  useEffect(
    () =>
      api.on('export:progress', (p) => {
        if (p.exportId === runningRef.current) setProgress(p)
      }),
    [api]
  )

  const open = async (): Promise<void> => {
    setMessage(null)
    try {
      const list = await api.invoke('capture:list')
      setCaptures(list)
      setChoices(allChoices(list))
      setFormError('')
      dialog.current?.showModal()
    } catch (e) {
      setMessage({ error: true, text: `Cannot list the captures: ${errorMessage(e)}` })
    }
  }

  useEffect(() => {
    // The desktop menu's Export command (and its shortcut) opens the same dialog.
    const onCommand = (e: Event): void => {
      if ((e as CustomEvent<{ command?: string }>).detail?.command === 'export' && !readOnly)
        void open()
    }
    window.addEventListener('app-command', onCommand)
    return () => window.removeEventListener('app-command', onCommand)
  })

  const start = async (): Promise<void> => {
    if (!choices) return
    const exportId = newId()
    const built = buildExportRequest(exportId, captures, choices)
    if (!built.ok) {
      setFormError(built.error)
      return
    }
    dialog.current?.close()
    runningRef.current = exportId
    setRunning(exportId)
    setProgress(null)
    try {
      const result = await api.invoke('export:start', built.request)
      if (result.status === 'done' && result.downloadUrl)
        download(result.downloadUrl, result.fileName, token)
      setMessage({ error: false, text: resultText(result) })
    } catch (e) {
      setMessage({ error: true, text: `Export failed: ${errorMessage(e)}` })
    } finally {
      runningRef.current = null
      setRunning(null)
    }
  }

  const cancel = async (): Promise<void> => {
    if (!running) return
    try {
      await api.invoke('export:cancel', { exportId: running })
    } catch (e) {
      setMessage({ error: true, text: `Could not cancel: ${errorMessage(e)}` })
    }
  }

  return (
    <div className="export">
      <button type="button" onClick={() => void open()} disabled={readOnly || running !== null}>
        Export CSV
      </button>
      {running && (
        <>
          <progress
            aria-label="Export progress"
            max={1}
            value={progress ? progress.fraction : undefined}
          />
          <span className="export-rows">{progress ? `${progress.rows} rows` : 'Starting…'}</span>
          <button type="button" onClick={() => void cancel()}>
            Cancel export
          </button>
        </>
      )}
      {message && (
        <p className={message.error ? 'error-text' : 'ok-text'} aria-live="polite">
          {message.text}
        </p>
      )}
      <dialog ref={dialog} className="export-dialog" aria-labelledby={titleId}>
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault()
            void start()
          }}
        >
          <h2 id={titleId}>Export CSV</h2>
          {choices && (
            <ExportDialogFields
              captures={captures}
              choices={choices}
              error={formError}
              onChange={setChoices}
            />
          )}
          <div className="button-row">
            <button type="submit">Export</button>
            <button type="button" onClick={() => dialog.current?.close()}>
              Close
            </button>
          </div>
        </form>
      </dialog>
    </div>
  )
}
