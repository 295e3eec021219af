import type { QshapeTable } from '../../../shared/broker-types'

/**
 * The table in Postfix qshape's layout: names right-aligned, then T and the age columns, each
 * right-aligned to its widest entry and one space apart; then `unknown` (age unknown) and, for
 * subscribers, `state`. Names are never cut: an administrator greps for them.
 */
export function formatQshape(table: QshapeTable): string {
  const rows = [table.total, ...table.rows]
  const withState = table.groupBy === 'subscriber'
  const header = ['', 'T', ...table.labels, 'unknown', ...(withState ? ['state'] : [])]
  const lines = [
    header,
    ...rows.map((r) => [
      r.name,
      String(r.total),
      ...r.buckets.map(String),
      String(r.unknown),
      ...(withState ? [r === table.total ? '' : (r.state ?? '')] : [])
    ])
  ]
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c].length)))
  const stateColumn = withState ? header.length - 1 : -1
  return (
    lines
      .map((cells) =>
        cells
          .map((cell, c) => (c === stateColumn ? cell : cell.padStart(widths[c])))
          .join(' ')
          .trimEnd()
      )
      .join('\n') + '\n'
  )
}
