import { useId } from 'react'
import type { DecoderConfig, TopicConfig } from '../../../shared/schemas'
import { ProtobufFields, StructFields, type CheckProto } from './BinaryDecoderFields'
import type { PickFile } from './FileField'
import { SelectField } from './SelectField'
import {
  FIELD_PATH_FORMATS,
  FORMATS,
  SEPARATORS,
  TIMESTAMP_FORMATS,
  TIMESTAMP_SOURCES,
  draftFor,
  type DecoderDraft,
  type DecoderTexts
} from './decoder-form'

interface Props {
  topics: readonly TopicConfig[]
  drafts: Record<string, DecoderDraft>
  onChange: (filter: string, draft: DecoderDraft) => void
  /** Desktop: the native file dialog for .proto files. */
  pickFile?: PickFile
  /** Asks the core whether a .proto file loads; absent where no core answers (tests). */
  checkProto?: CheckProto
}

/** How each subscription's payloads are read: format, columns, timestamp and units. */
export function DecoderFields({
  topics,
  drafts,
  onChange,
  pickFile,
  checkProto
}: Props): React.JSX.Element | null {
  if (topics.length === 0) return null
  return (
    <fieldset className="form-section">
      <legend>Decoding</legend>
      {topics.map((t) => (
        <TopicDecoder
          key={t.filter}
          filter={t.filter}
          draft={drafts[t.filter] ?? draftFor(t)}
          onChange={(d) => onChange(t.filter, d)}
          pickFile={pickFile}
          checkProto={checkProto}
        />
      ))}
    </fieldset>
  )
}

function TopicDecoder({
  filter,
  draft,
  onChange,
  pickFile,
  checkProto
}: {
  filter: string
  draft: DecoderDraft
  onChange: (d: DecoderDraft) => void
  pickFile?: PickFile
  checkProto?: CheckProto
}) {
  const id = useId()
  const { config, texts } = draft
  const setConfig = (patch: Partial<DecoderConfig>): void =>
    onChange({ ...draft, config: { ...config, ...patch } })
  const setTimestamp = (patch: Partial<DecoderConfig['timestamp']>): void =>
    setConfig({ timestamp: { ...config.timestamp, ...patch } })
  const setText = (key: keyof DecoderTexts) => (e: { target: { value: string } }) =>
    onChange({ ...draft, texts: { ...texts, [key]: e.target.value } })
  const forTopic = <span className="visually-hidden"> for {filter}</span>
  const label = FORMATS.find((f) => f.value === config.format)?.label ?? config.format
  const pathsFormat = FIELD_PATH_FORMATS[config.format]
  const common = { id, forTopic, config, setConfig }
  return (
    <details className="topic-decoder">
      <summary>
        <code>{filter}</code>: {label}
      </summary>
      <SelectField
        id={`${id}-format`}
        label={<>Payload format{forTopic}</>}
        value={config.format}
        options={FORMATS}
        onChange={(format) => setConfig({ format })}
      />
      {(config.format === 'csv' || config.format === 'auto') && (
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-columns`}>CSV columns{forTopic}</label>
            <input
              id={`${id}-columns`}
              value={texts.columns}
              onChange={setText('columns')}
              spellCheck={false}
            />
          </div>
          <SelectField
            id={`${id}-sep`}
            label={<>CSV separator{forTopic}</>}
            value={config.csvSeparator}
            options={SEPARATORS}
            onChange={(csvSeparator) => setConfig({ csvSeparator })}
          />
        </div>
      )}
      {pathsFormat && (
        <div className="field">
          <label htmlFor={`${id}-paths`}>
            {pathsFormat} fields{forTopic}
          </label>
          <input
            id={`${id}-paths`}
            value={texts.jsonPaths}
            onChange={setText('jsonPaths')}
            placeholder="every numeric field"
            spellCheck={false}
            aria-describedby={`${id}-paths-hint`}
          />
          <p id={`${id}-paths-hint`} className="hint">
            Dot paths separated by commas, e.g. <code>sensor.temp, sensor.rh</code>; empty charts
            every numeric field.
          </p>
        </div>
      )}
      {config.format === 'number' && (
        <div className="field">
          <label htmlFor={`${id}-number`}>Field name{forTopic}</label>
          <input
            id={`${id}-number`}
            value={config.numberField}
            onChange={(e) => setConfig({ numberField: e.target.value })}
          />
        </div>
      )}
      {config.format === 'protobuf' && (
        <ProtobufFields {...common} pickFile={pickFile} checkProto={checkProto} />
      )}
      {config.format === 'struct' && <StructFields {...common} texts={texts} setText={setText} />}
      {(config.format === 'sparkplug' || config.format === 'auto') && (
        <p className="hint">
          Sparkplug B topics (<code>spBv1.0/…</code>) are decoded as Sparkplug
          {config.format === 'auto' ? ' whatever the payloads look like' : ''}: each metric is
          charted as <code>group/edge node/device/metric</code> at its own timestamp.
        </p>
      )}
      {config.format !== 'sparkplug' && (
        <SelectField
          id={`${id}-ts`}
          label={<>Timestamp{forTopic}</>}
          value={config.timestamp.source}
          options={TIMESTAMP_SOURCES}
          onChange={(source) => setTimestamp({ source })}
        />
      )}
      {config.format !== 'sparkplug' && config.timestamp.source !== 'receive' && (
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-tsfield`}>Timestamp field{forTopic}</label>
            <input
              id={`${id}-tsfield`}
              value={config.timestamp.field}
              onChange={(e) => setTimestamp({ field: e.target.value })}
            />
          </div>
          <SelectField
            id={`${id}-tsformat`}
            label={<>Timestamp format{forTopic}</>}
            value={config.timestamp.format}
            options={TIMESTAMP_FORMATS}
            onChange={(format) => setTimestamp({ format })}
          />
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-units`}>Units{forTopic}</label>
        <input
          id={`${id}-units`}
          value={texts.units}
          onChange={setText('units')}
          placeholder="temperature=°C, pressure=hPa"
          spellCheck={false}
        />
      </div>
    </details>
  )
}
