import { useState } from 'react'
import type { DecoderConfig } from '../../../shared/schemas'
import type { ProtoCheck } from '../../../shared/types'
import { errorMessage } from '../util/id'
import { structProblem, structSummary, splitList, type DecoderTexts } from './decoder-form'
import type { PickFile } from './FileField'

/** Asks the core whether a .proto file loads and which message types it has. */
export type CheckProto = (file: string) => Promise<ProtoCheck>

interface CommonProps {
  id: string
  /** " for <filter>", hidden, so each label names its topic for screen readers. */
  forTopic: React.ReactNode
  config: DecoderConfig
  setConfig: (patch: Partial<DecoderConfig>) => void
}

/** Protobuf: the user's .proto file (checked by the core) and the message type to read. */
export function ProtobufFields({
  id,
  forTopic,
  config,
  setConfig,
  pickFile,
  checkProto
}: CommonProps & { pickFile?: PickFile; checkProto?: CheckProto }): React.JSX.Element {
  const [check, setCheck] = useState<ProtoCheck | null>(null)
  const [checking, setChecking] = useState(false)
  const run = async (file: string): Promise<void> => {
    if (!checkProto || !file.trim()) return
    setChecking(true)
    try {
      setCheck(await checkProto(file))
    } catch (e) {
      setCheck({ ok: false, message: errorMessage(e) })
    } finally {
      setChecking(false)
    }
  }
  const choose = async (): Promise<void> => {
    try {
      const path = await pickFile!('proto')
      if (path) {
        setConfig({ protoFile: path })
        await run(path)
      }
    } catch (e) {
      setCheck({ ok: false, message: errorMessage(e) })
    }
  }
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-proto`}>.proto file{forTopic}</label>
        <div className="field-row">
          <input
            id={`${id}-proto`}
            value={config.protoFile}
            onChange={(e) => {
              setConfig({ protoFile: e.target.value })
              setCheck(null)
            }}
            onBlur={() => void run(config.protoFile)}
            placeholder="/path/to/sensors.proto"
            aria-describedby={`${id}-proto-hint`}
            spellCheck={false}
            autoComplete="off"
          />
          {pickFile && (
            <button type="button" onClick={() => void choose()}>
              Choose…<span className="visually-hidden"> .proto file{forTopic}</span>
            </button>
          )}
          {checkProto && (
            <button type="button" onClick={() => void run(config.protoFile)} disabled={checking}>
              {checking ? 'Checking…' : 'Check'}
              <span className="visually-hidden"> .proto file{forTopic}</span>
            </button>
          )}
        </div>
        <p id={`${id}-proto-hint`} className="hint">
          The full path of the file on the machine running the app; files it imports are read from
          beside it.
        </p>
        {check &&
          (check.ok ? (
            <p className="ok-text" role="status">
              Loaded: {check.types.length} message type{check.types.length === 1 ? '' : 's'}.
            </p>
          ) : (
            <p className="error-text" role="alert">
              {check.message}
            </p>
          ))}
      </div>
      <div className="field">
        <label htmlFor={`${id}-proto-type`}>Message type{forTopic}</label>
        <input
          id={`${id}-proto-type`}
          value={config.protoType}
          onChange={(e) => setConfig({ protoType: e.target.value })}
          list={check?.ok ? `${id}-proto-types` : undefined}
          placeholder="sensors.Reading"
          spellCheck={false}
          autoComplete="off"
        />
        {check?.ok && (
          <datalist id={`${id}-proto-types`}>
            {check.types.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        )}
      </div>
    </>
  )
}

/** A binary struct: its layout (checked as it is typed) and a name per value. */
export function StructFields({
  id,
  forTopic,
  config,
  setConfig,
  texts,
  setText
}: CommonProps & {
  texts: DecoderTexts
  setText: (key: keyof DecoderTexts) => (e: { target: { value: string } }) => void
}): React.JSX.Element {
  const layout = config.structLayout
  const problem = layout.trim() ? structProblem(layout, splitList(texts.structFields)) : null
  const summary = structSummary(layout)
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-layout`}>Struct layout{forTopic}</label>
        <input
          id={`${id}-layout`}
          value={layout}
          onChange={(e) => setConfig({ structLayout: e.target.value })}
          placeholder="<fff"
          spellCheck={false}
          autoComplete="off"
          aria-invalid={problem !== null}
          aria-describedby={`${id}-layout-hint${problem ? ` ${id}-layout-error` : ''}`}
        />
        <p id={`${id}-layout-hint`} className="hint">
          The byte order (<code>&lt;</code> little-endian, <code>&gt;</code> big-endian), then a
          letter per value as in Python&apos;s <code>struct</code>: <code>b B h H i I q Q</code>{' '}
          integers, <code>e f d</code> floats, <code>?</code> a boolean, <code>x</code> a pad byte;
          a number repeats a letter (<code>&lt;3f</code>).
          {summary && ` This one reads ${summary}.`}
        </p>
        {problem && (
          <p id={`${id}-layout-error`} className="error-text" role="alert">
            {problem.charAt(0).toUpperCase() + problem.slice(1)}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-struct-names`}>Field names{forTopic}</label>
        <input
          id={`${id}-struct-names`}
          value={texts.structFields}
          onChange={setText('structFields')}
          placeholder="temperature, pressure, altitude"
          spellCheck={false}
          aria-describedby={`${id}-struct-names-hint`}
        />
        <p id={`${id}-struct-names-hint`} className="hint">
          One per value, separated by commas; left empty they are field1, field2…
        </p>
      </div>
    </>
  )
}
