import { useEffect, useRef, useState } from 'react'
import type { Api } from '../../../shared/contract'
import type { ExportProgress, ExportResult } from '../../../shared/types'
import { errorMessage, newId } from '../util/id'

interface Props {
  api: Api
  readOnly: boolean
  /** The page's `token` parameter, added to a serve-mode download link that lacks one. */
  token?: string | null
}

export function resultText(result: ExportResult): string {
  if (result.status === 'cancelled') return 'Export cancelled'
  return `Exported ${result.rows} ${result.rows === 1 ? 'row' : 'rows'} to ${result.fileName}`
}

function download(url: string, fileName: string, token: string | null | undefined): void {
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

export function ExportButton({ api, readOnly, token }: Props): React.JSX.Element {
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

  const start = async (): Promise<void> => {
    const exportId = newId()
    runningRef.current = exportId
    setRunning(exportId)
    setProgress(null)
    setMessage(null)
    try {
      const result = await api.invoke('export:start', { exportId, format: 'wide' })
      if (result.status === 'done' && result.downloadUrl) {
        download(result.downloadUrl, result.fileName, token)
      }
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
      <button type="button" onClick={() => void start()} disabled={readOnly || running !== null}>
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
            Cancel
          </button>
        </>
      )}
      {message && (
        <p className={message.error ? 'error-text' : 'ok-text'} aria-live="polite">
          {message.text}
        </p>
      )}
    </div>
  )
}
