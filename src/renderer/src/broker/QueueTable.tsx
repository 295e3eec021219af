import { useId, useRef, useState } from 'react'
import type { BrokerPrefs, QshapeResult } from '../../../shared/broker-types'
import type { Api } from '../../../shared/contract'
import type { AppInfo } from '../../../shared/types'
import { formatBytes, formatTime } from '../export/export-request'
import { CheckboxField } from '../settings/CheckboxField'
import { SelectField } from '../settings/SelectField'
import { errorMessage } from '../util/id'
import {
  ageColumnWords,
  formFromOptions,
  GROUP_WORDS,
  optionsFromForm,
  STATE_WORDS,
  type QueueForm
} from './broker-view-model'
import { SaveNow } from './SaveNow'

interface Props {
  api: Api
  profileId: string
  prefs: BrokerPrefs
  info: AppInfo
}

const GROUPS = [
  { value: 'subscriber' as const, label: 'Subscriber client id' },
  { value: 'publisher' as const, label: 'Publisher client id' },
  { value: 'topic' as const, label: 'First topic levels' }
]

/**
 * "qshape for MQTT": how many messages Mosquitto holds for each client and how old they are,
 * read from its persistence file on demand (Refresh reads it again).
 */
export function QueueTable({ api, profileId, prefs, info }: Props): React.JSX.Element {
  const id = useId()
  const [form, setForm] = useState<QueueForm>(() => formFromOptions(prefs.file, prefs.options))
  const [result, setResult] = useState<QshapeResult | null>(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const seq = useRef(0)

  const read = async (next: QueueForm = form): Promise<void> => {
    const checked = optionsFromForm(next)
    if (!checked.ok) {
      setError(checked.error)
      return
    }
    const mine = ++seq.current
    setBusy(true)
    setError('')
    try {
      const answer = await api.invoke('broker:qshape', {
        profileId,
        file: checked.file,
        options: checked.options
      })
      if (mine === seq.current) setResult(answer)
    } catch (e) {
      if (mine === seq.current) setError(errorMessage(e))
    } finally {
      if (mine === seq.current) setBusy(false)
    }
  }
  const change = (patch: Partial<QueueForm>, reread = false): void => {
    const next = { ...form, ...patch }
    setForm(next)
    // Toggles apply at once to a table already shown; typed numbers on Refresh or Enter.
    if (reread && result) void read(next)
  }
  const chooseFile = async (): Promise<void> => {
    try {
      const { path } = await api.invoke('dialog:pick-file', { purpose: 'mosquitto-db' })
      if (path) change({ file: path })
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  return (
    <section className="queue-table" aria-labelledby={`${id}-title`} aria-busy={busy}>
      <h3 id={`${id}-title`}>Queued messages (qshape)</h3>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void read()
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-file`}>Persistence file</label>
          <div className="field-row">
            <input
              id={`${id}-file`}
              value={form.file}
              onChange={(e) => change({ file: e.target.value })}
              placeholder="/var/lib/mosquitto/mosquitto.db"
              aria-describedby={`${id}-file-hint`}
              spellCheck={false}
              autoComplete="off"
            />
            {info.filePicker === 'dialog' && (
              <button type="button" onClick={() => void chooseFile()}>
                Choose…
              </button>
            )}
          </div>
          <p id={`${id}-file-hint`} className="hint">
            Mosquitto’s mosquitto.db on{' '}
            {info.mode === 'serve' ? 'the machine running the server' : 'this machine'}; read only,
            never changed. The broker writes it every autosave_interval, on SIGUSR1 and when it
            stops.
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-interval`}>Message expiry interval (s)</label>
          <input
            id={`${id}-interval`}
            inputMode="numeric"
            value={form.interval}
            onChange={(e) => change({ interval: e.target.value })}
            aria-describedby={`${id}-interval-hint`}
          />
          <p id={`${id}-interval-hint`} className="hint">
            The interval your publishers set. Mosquitto keeps only when a message expires, so a
            message’s age is this interval minus the time it has left; empty: ages unknown.
          </p>
        </div>
        <div className="queue-options">
          <SelectField
            id={`${id}-group`}
            label="Rows by"
            value={form.groupBy}
            options={GROUPS}
            onChange={(groupBy) => change({ groupBy }, true)}
          />
          {form.groupBy === 'topic' && (
            <NumberField
              id={`${id}-levels`}
              label="Topic levels"
              value={form.levels}
              onChange={(levels) => change({ levels })}
            />
          )}
          <NumberField
            id={`${id}-buckets`}
            label="Age columns"
            value={form.buckets}
            onChange={(buckets) => change({ buckets })}
          />
          <NumberField
            id={`${id}-first`}
            label="First age column (minutes)"
            value={form.first}
            onChange={(first) => change({ first })}
          />
          <CheckboxField
            label="Linear age columns"
            checked={form.linear}
            onChange={(linear) => change({ linear }, true)}
          />
          <NumberField
            id={`${id}-top`}
            label="Rows shown"
            value={form.top}
            onChange={(top) => change({ top })}
          />
          <CheckboxField
            label="Show all rows"
            checked={form.showAll}
            onChange={(showAll) => change({ showAll }, true)}
          />
        </div>
        <div className="button-row">
          <button type="submit" disabled={busy}>
            {result ? 'Refresh' : 'Read file'}
          </button>
          {busy && <span className="hint">Reading…</span>}
        </div>
      </form>
      {info.mode === 'desktop' && !info.readOnly ? (
        <SaveNow
          api={api}
          profileId={profileId}
          initial={prefs.process}
          file={form.file}
          onSaved={() => void read()}
        />
      ) : (
        <p className="hint">
          To have the file saved now, run “kill -USR1 &lt;pid of mosquitto&gt;” on the broker’s
          host, then Refresh{info.mode === 'serve' ? ' (the server never sends signals)' : ''}.
        </p>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {result && <ResultTable result={result} />}
    </section>
  )
}

function NumberField(props: {
  id: string
  label: string
  value: string
  onChange: (v: string) => void
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        inputMode="decimal"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  )
}

function ResultTable({ result }: { result: QshapeResult }): React.JSX.Element {
  const { table } = result
  const withState = table.groupBy === 'subscriber'
  const rows = [table.total, ...table.rows]
  return (
    <div className="queue-result">
      {result.problem && (
        <p className="error-text" role="alert">
          {result.problem} The table shows what came before it.
        </p>
      )}
      <div className="table-scroll">
        <table aria-label="Queued messages">
          <caption>
            {GROUP_WORDS[table.groupBy]} rows by count; ages in minutes, as saved at{' '}
            {formatTime(result.savedAt)} ({formatBytes(result.sizeBytes)})
          </caption>
          <thead>
            <tr>
              <th scope="col">{GROUP_WORDS[table.groupBy]}</th>
              <th scope="col">
                <abbr title="Total">T</abbr>
              </th>
              {table.labels.map((label, i) => (
                <th scope="col" key={label + i} className="num">
                  <span aria-hidden="true">{label}</span>
                  <span className="visually-hidden">{ageColumnWords(table.labels, i)}</span>
                </th>
              ))}
              <th scope="col">Age unknown</th>
              {withState && <th scope="col">State</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row === table.total ? '\u0000total' : row.name}>
                <th scope="row">{row.name}</th>
                <td className="num">{row.total}</td>
                {row.buckets.map((n, i) => (
                  <td className="num" key={i}>
                    {n}
                  </td>
                ))}
                <td className="num">{row.unknown}</td>
                {withState && <td>{row.state ? STATE_WORDS[row.state] : ''}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="hint queue-notes">
        {result.notes.map((note) => (
          <li key={note}>{note}</li>
        ))}
        <li>
          The file holds {result.counts.sessions} persistent sessions, {result.counts.stored} stored
          messages, {result.counts.retained} retained messages and {result.counts.subscriptions}{' '}
          subscriptions.
        </li>
      </ul>
    </div>
  )
}
