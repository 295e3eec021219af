import { useState } from 'react'

/** Entries of an object or array shown before a "Show more" button. */
const PAGE = 200

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

function summary(value: Json): string {
  if (Array.isArray(value)) return `[${value.length} item${value.length === 1 ? '' : 's'}]`
  if (value !== null && typeof value === 'object') {
    const n = Object.keys(value).length
    return `{${n} key${n === 1 ? '' : 's'}}`
  }
  return JSON.stringify(value)
}

function JsonEntry({ name, value, depth }: { name: string; value: Json; depth: number }) {
  const nested = value !== null && typeof value === 'object'
  const [open, setOpen] = useState(depth < 2)
  const [shown, setShown] = useState(PAGE)
  if (!nested) {
    return (
      <li role="treeitem" aria-level={depth + 1} aria-selected={false}>
        <span className="json-key">{name}</span>:{' '}
        <span className={`json-${value === null ? 'null' : typeof value}`}>
          {JSON.stringify(value)}
        </span>
      </li>
    )
  }
  const entries: [string, Json][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value)
  return (
    <li role="treeitem" aria-level={depth + 1} aria-expanded={open} aria-selected={false}>
      <button
        type="button"
        className="json-toggle"
        aria-label={`${open ? 'Collapse' : 'Expand'} ${name}`}
        onClick={() => setOpen(!open)}
      >
        {open ? '▾' : '▸'}
      </button>
      <span className="json-key">{name}</span>:{' '}
      <span className="json-summary">{summary(value)}</span>
      {open && (
        <ul role="group">
          {entries.slice(0, shown).map(([k, v]) => (
            <JsonEntry key={k} name={k} value={v} depth={depth + 1} />
          ))}
          {entries.length > shown && (
            <li role="none">
              <button type="button" onClick={() => setShown(shown + PAGE)}>
                Show {Math.min(PAGE, entries.length - shown)} more of {entries.length - shown} not
                shown
              </button>
            </li>
          )}
        </ul>
      )}
    </li>
  )
}

/** A parsed JSON payload as a collapsible tree (text nodes only: never markup). */
export function JsonTree({ value }: { value: unknown }): React.JSX.Element {
  return (
    <ul className="json-tree" role="tree" aria-label="Payload as JSON">
      <JsonEntry name="payload" value={value as Json} depth={0} />
    </ul>
  )
}
