import { useEffect, useMemo, useState } from 'react'
import type { Api } from '../../../shared/contract'
import { payloadText } from '../../../shared/payload-text'
import { PAYLOAD_PAGE_BYTES, type TopicMessage } from '../../../shared/topic-types'
import { errorMessage } from '../util/id'
import { copyText } from './clipboard'
import { fmtBytes } from './format'
import { hexDump, hexString } from './hex-dump'
import { JsonTree } from './JsonTree'
import { payloadDiff } from './payload-diff'

export type ViewName = 'text' | 'json' | 'hex' | 'diff'
const VIEWS: { id: ViewName; label: string }[] = [
  { id: 'text', label: 'Text' },
  { id: 'json', label: 'JSON' },
  { id: 'hex', label: 'Hex' },
  { id: 'diff', label: 'Diff' }
]
/** The JSON view and Copy read a large payload whole, up to this size. */
const MAX_WHOLE_BYTES = 16 * 1024 * 1024
const lenient = new TextDecoder('utf-8')

interface Props {
  api: Api
  nodeId: number
  message: TopicMessage
  /** The message before it on the same topic, for the diff. */
  previous?: TopicMessage
  /** The view the user chose for this topic; null picks one from the payload. */
  view: ViewName | null
  onView: (view: ViewName) => void
}

function parseJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = payloadText(bytes)
  if (text === null) return { ok: false, error: 'The payload is not UTF-8 text, so not JSON.' }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (error) {
    return { ok: false, error: `The payload is not JSON: ${(error as Error).message}` }
  }
}

async function readWhole(api: Api, nodeId: number, m: TopicMessage): Promise<Uint8Array> {
  if (m.payload.byteLength === m.size) return m.payload
  const out = new Uint8Array(m.size)
  out.set(m.payload)
  for (let offset = m.payload.byteLength; offset < m.size;) {
    const page = await api.invoke('topics:payload', {
      nodeId,
      seq: m.seq,
      offset,
      length: 1024 * 1024
    })
    out.set(page.bytes, offset)
    offset += page.bytes.byteLength
    if (page.bytes.byteLength === 0) break
  }
  return out
}

/**
 * A message's payload as text, JSON, hex or a diff; large payloads page by page. Keyed by
 * the message: its pages and status start afresh with each.
 */
export function PayloadView(props: Props): React.JSX.Element {
  const { api, nodeId, message, previous, onView: setView } = props
  const isText = useMemo(() => payloadText(message.payload) !== null, [message])
  const json = useMemo(() => (isText ? parseJson(message.payload) : null), [isText, message])
  const view: ViewName = props.view ?? (json?.ok ? 'json' : isText ? 'text' : 'hex')
  const [page, setPage] = useState(0)
  const [fetched, setFetched] = useState<{ page: number; bytes: Uint8Array } | null>(null)
  const [whole, setWhole] = useState<Uint8Array | null>(
    message.payload.byteLength === message.size ? message.payload : null
  )
  const [status, setStatus] = useState('')
  const [error, setError] = useState('')
  const pages = Math.max(1, Math.ceil(message.size / PAYLOAD_PAGE_BYTES))
  const paged = message.size > message.payload.byteLength

  useEffect(() => {
    if (page === 0) return
    let live = true
    api
      .invoke('topics:payload', {
        nodeId,
        seq: message.seq,
        offset: page * PAYLOAD_PAGE_BYTES,
        length: PAYLOAD_PAGE_BYTES
      })
      .then(
        (p) => live && setFetched({ page, bytes: p.bytes }),
        (e: unknown) => live && setError(errorMessage(e))
      )
    return () => {
      live = false
    }
  }, [api, nodeId, message, page])

  const loadWhole = async (): Promise<Uint8Array | null> => {
    if (whole) return whole
    if (message.size > MAX_WHOLE_BYTES) {
      setError(`This payload is ${fmtBytes(message.size)}: too large to read whole here.`)
      return null
    }
    try {
      setStatus(`Reading all ${message.size.toLocaleString('en-US')} bytes…`)
      const bytes = await readWhole(api, nodeId, message)
      setWhole(bytes)
      setStatus('')
      return bytes
    } catch (e) {
      setError(errorMessage(e))
      setStatus('')
      return null
    }
  }

  const copy = async (): Promise<void> => {
    setError('')
    const bytes = await loadWhole()
    if (!bytes) return
    const text = payloadText(bytes)
    try {
      await copyText(text ?? hexString(bytes))
      setStatus(
        `Copied ${bytes.byteLength.toLocaleString('en-US')} bytes ${text === null ? 'as hex' : 'as text'}.`
      )
    } catch (e) {
      setError(`Could not copy: ${errorMessage(e)}`)
    }
  }

  const start = page * PAYLOAD_PAGE_BYTES
  // The first page came with the message; others once read (empty until then).
  const loading = page > 0 && fetched?.page !== page
  const pageBytes = page === 0 ? message.payload : loading ? new Uint8Array(0) : fetched!.bytes
  const pager = paged && view !== 'json' && view !== 'diff' && (
    <div className="pager" role="group" aria-label="Payload pages">
      <span>
        {message.size.toLocaleString('en-US')} bytes in all; showing bytes{' '}
        {start.toLocaleString('en-US')}–{(start + pageBytes.byteLength - 1).toLocaleString('en-US')}{' '}
        (page {page + 1} of {pages})
      </span>
      <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
        Previous page
      </button>
      <button type="button" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
        Next page
      </button>
    </div>
  )

  let body: React.JSX.Element
  if (view === 'text') {
    const text = lenient.decode(pageBytes)
    body = (
      <>
        {!isText && (
          <p className="hint">
            This payload is not UTF-8 text: shown with replacement characters. The Hex view shows
            its bytes exactly.
          </p>
        )}
        <pre className="payload-text" aria-label="Payload as text">
          {text === '' ? '(empty payload)' : text}
        </pre>
      </>
    )
  } else if (view === 'json') {
    const parsed = whole ? (whole === message.payload ? json : parseJson(whole)) : null
    body = !whole ? (
      <p>
        The JSON view reads the whole payload ({message.size.toLocaleString('en-US')} bytes).{' '}
        <button type="button" onClick={() => void loadWhole()}>
          Read it whole
        </button>
      </p>
    ) : parsed?.ok ? (
      <JsonTree value={parsed.value} />
    ) : (
      <p className="hint">{parsed?.error ?? 'The payload is not UTF-8 text, so not JSON.'}</p>
    )
  } else if (view === 'hex') {
    const lines = hexDump(pageBytes, start)
    body = (
      <pre className="hex-dump" aria-label="Payload as hex">
        {lines.length === 0
          ? '(empty payload)'
          : lines.map((l) => `${l.offset}  ${l.hex}  ${l.ascii}`).join('\n')}
      </pre>
    )
  } else {
    body = previous ? (
      <DiffBody before={previous} after={message} />
    ) : (
      <p className="hint">No earlier message of this topic is kept to compare with.</p>
    )
  }

  return (
    <div className="payload-view">
      <div className="payload-tools">
        <div role="tablist" aria-label="Payload view">
          {VIEWS.map((v) => (
            <button
              key={v.id}
              type="button"
              role="tab"
              aria-selected={view === v.id}
              onClick={() => setView(v.id)}
            >
              {v.label}
            </button>
          ))}
        </div>
        <button type="button" onClick={() => void copy()}>
          Copy payload
        </button>
      </div>
      {status && <p role="status">{status}</p>}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {pager}
      <div role="tabpanel" aria-label={`${VIEWS.find((v) => v.id === view)!.label} view`}>
        {body}
      </div>
    </div>
  )
}

function DiffBody({ before, after }: { before: TopicMessage; after: TopicMessage }) {
  const diff = useMemo(() => payloadDiff(before.payload, after.payload), [before, after])
  const partial = before.size > before.payload.byteLength || after.size > after.payload.byteLength
  return (
    <>
      <p className="hint">
        Against the message before it ({diff.mode === 'hex' ? 'bytes as hex' : diff.mode}):{' '}
        {diff.ops ? `${diff.changed} line${diff.changed === 1 ? '' : 's'} changed` : ''}
        {partial &&
          ` Compares the first ${fmtBytes(PAYLOAD_PAGE_BYTES)} of each (they are ${fmtBytes(before.size)} and ${fmtBytes(after.size)}).`}
      </p>
      {diff.ops ? (
        <pre className="payload-diff" aria-label="Differences">
          {diff.ops.map((op, i) => (
            <span key={i} className={`diff-${op.kind}`}>
              {op.kind === 'added' ? '+ ' : op.kind === 'removed' ? '- ' : '  '}
              {op.text}
              {'\n'}
            </span>
          ))}
        </pre>
      ) : (
        <p>The two messages differ in too many lines to show line by line.</p>
      )}
    </>
  )
}
