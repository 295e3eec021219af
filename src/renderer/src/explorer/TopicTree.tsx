import { useCallback, useEffect, useRef, useState } from 'react'
import type { Api } from '../../../shared/contract'
import { decayedRate, MAX_TREE_NODES, type PreviewKind } from '../../../shared/topic-types'
import { compactCount, fmtAge, fmtInt, fmtRate, sparkplugWords } from './format'
import type { TreeViewModel } from './tree-view-model'

export const ROW_HEIGHT = 24
const OVERSCAN = 6
/** Figures on screen refresh this often at most (structure changes too). */
const REFRESH_MS = 250
const TYPEAHEAD_MS = 700

interface Props {
  api: Api
  model: TreeViewModel
  /** The active row changed (by click or keyboard). */
  onSelect: (id: number) => void
}

interface Preview {
  messages: number
  kind: PreviewKind
  text: string
}

/**
 * The topic tree: only the rows in view are in the DOM; figures come from the mirror and
 * are redrawn at most once per animation frame (at most four times a second while only
 * figures change). Keyboard: arrows, Home/End, Page Up/Down, Enter, type-ahead.
 */
export function TopicTree({ api, model, onSelect }: Props): React.JSX.Element {
  const [, setTick] = useState(0)
  const [view, setView] = useState({ top: 0, height: 400 })
  const [previews, setPreviews] = useState<ReadonlyMap<number, Preview>>(() => new Map())
  const scroller = useRef<HTMLDivElement>(null)
  const frame = useRef(0)
  const previewBusy = useRef(false)
  const typeahead = useRef({ text: '', at: 0 })

  const redraw = useCallback(() => {
    if (frame.current) return
    frame.current = requestAnimationFrame(() => {
      frame.current = 0
      setTick((t) => t + 1)
    })
  }, [])

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const off = model.mirror.subscribe(() => {
      if (timer) return
      timer = setTimeout(() => {
        timer = undefined
        if (model.stale) model.rebuild()
        redraw()
      }, REFRESH_MS)
    })
    // Ages ("3 s ago") move on without messages.
    const ages = setInterval(redraw, 1000)
    const el = scroller.current
    const resize = new ResizeObserver(() => {
      if (el) setView((v) => ({ ...v, height: el.clientHeight }))
    })
    if (el) resize.observe(el)
    return () => {
      off()
      clearTimeout(timer)
      clearInterval(ages)
      resize.disconnect()
      cancelAnimationFrame(frame.current)
      frame.current = 0
    }
  }, [model, redraw])

  const rows = model.rows
  const first = Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN)
  const last = Math.min(rows.length, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN)

  // Previews of the topics in view whose last message changed since they were fetched.
  useEffect(() => {
    if (previewBusy.current) return
    const want: number[] = []
    for (let r = first; r < last && want.length < 200; r++) {
      const id = rows.ids[r]
      if (!model.mirror.isTopic(id)) continue
      if (previews.get(id)?.messages !== model.mirror.messages[id]) want.push(id)
    }
    if (want.length === 0) return
    previewBusy.current = true
    const asked = new Map(want.map((id) => [id, model.mirror.messages[id]]))
    api.invoke('topics:preview', { ids: want }).then(
      (list) => {
        setPreviews((old) => {
          // Kept for the rows seen lately; a long scroll starts the map afresh.
          const map = new Map(old.size > 4000 ? [] : old)
          for (const p of list)
            map.set(p.id, { messages: asked.get(p.id) ?? 0, kind: p.kind, text: p.text })
          return map
        })
        // Asked again no sooner than the next refresh.
        setTimeout(() => {
          previewBusy.current = false
          redraw()
        }, REFRESH_MS)
      },
      () => {
        previewBusy.current = false
      }
    )
  })

  model.refreshCounts()
  const mirror = model.mirror
  const now = mirror.coreNow()
  const activeRow = model.activeRow()

  const select = (row: number): void => {
    const r = model.moveTo(row)
    if (r < 0) return
    const el = scroller.current
    if (el) {
      const top = r * ROW_HEIGHT
      if (top < el.scrollTop) el.scrollTop = top
      else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight)
        el.scrollTop = top + ROW_HEIGHT - el.clientHeight
      setView((v) => ({ ...v, top: el.scrollTop }))
    }
    onSelect(model.active)
    redraw()
  }

  const toggle = (id: number): void => {
    model.setExpanded(id, !model.expanded(id))
    redraw()
  }

  const onKeyDown = (e: React.KeyboardEvent): void => {
    const row = activeRow
    const page = Math.max(1, Math.floor(view.height / ROW_HEIGHT) - 1)
    const id = row >= 0 ? rows.ids[row] : -1
    switch (e.key) {
      case 'ArrowDown':
        select(row + 1)
        break
      case 'ArrowUp':
        select(row < 0 ? 0 : row - 1)
        break
      case 'PageDown':
        select(row + page)
        break
      case 'PageUp':
        select(row - page)
        break
      case 'Home':
        select(0)
        break
      case 'End':
        select(rows.length - 1)
        break
      case 'ArrowRight':
        if (id < 0) select(0)
        else if (model.expandable(id) && !model.expanded(id)) toggle(id)
        else if (model.expanded(id)) select(row + 1)
        break
      case 'ArrowLeft':
        if (id >= 0 && model.expanded(id)) toggle(id)
        else if (row >= 0) {
          const parent = model.parentRow(row)
          if (parent >= 0) select(parent)
        }
        break
      case 'Enter':
        if (id >= 0 && model.expandable(id)) toggle(id)
        break
      default:
        if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) {
          const t = typeahead.current
          const at = performance.now()
          t.text = at - t.at > TYPEAHEAD_MS ? e.key : t.text + e.key
          t.at = at
          // Typing the same letter again steps through the names that start with it.
          const from = t.text.length > 1 ? row - 1 : row
          const found = model.findByPrefix(t.text, Math.max(-1, from))
          if (found >= 0) select(found)
          break
        }
        return
    }
    e.preventDefault()
  }

  const items: React.JSX.Element[] = []
  for (let r = first; r < last; r++) {
    const id = rows.ids[r]
    const isTopic = mirror.isTopic(id)
    const expandable = model.expandable(id)
    const expanded = expandable && model.expanded(id)
    const { messages, topics } = model.figures(id)
    const rate = fmtRate(decayedRate(mirror.rate[id], mirror.lastAt[id], now))
    const lastAt = mirror.lastAt[id]
    const preview = isTopic ? previews.get(id) : undefined
    const level = rows.level[r]
    const sp = mirror.sparkplugOf(id)
    const figures = [
      `${compactCount(messages)} msg`,
      rate,
      lastAt > 0 ? fmtAge(now - lastAt) : '',
      expandable || topics > 1 ? `${compactCount(topics)} topic${topics === 1 ? '' : 's'}` : ''
    ]
      .filter(Boolean)
      .join(' · ')
    items.push(
      <div
        key={id}
        id={`topic-node-${id}`}
        role="treeitem"
        aria-label={mirror.names[id] === '' ? '(empty level)' : mirror.names[id]}
        aria-describedby={sp ? `topic-sp-${id} topic-figures-${id}` : `topic-figures-${id}`}
        aria-level={level}
        aria-setsize={rows.setSize[r]}
        aria-posinset={rows.posInSet[r]}
        aria-expanded={expandable ? expanded : undefined}
        aria-selected={id === model.active}
        className={`tree-row${id === model.active ? ' active' : ''}${level === 1 ? ' root' : ''}`}
        style={{ top: r * ROW_HEIGHT, paddingLeft: (level - 1) * 14 + 4 }}
        onMouseDown={() => scroller.current?.focus()}
        onClick={() => select(r)}
        onDoubleClick={() => expandable && toggle(id)}
      >
        <span
          className="twisty"
          aria-hidden="true"
          onClick={(e) => {
            e.stopPropagation()
            if (expandable) toggle(id)
            select(r)
          }}
        >
          {expandable ? (expanded ? '▾' : '▸') : ''}
        </span>
        <span className="tree-name">{mirror.names[id] === '' ? '(empty)' : mirror.names[id]}</span>
        {isTopic && mirror.isRetained(id) && (
          <span className="retained-mark" title="The last message was retained">
            R
          </span>
        )}
        {sp && (
          <span
            className={`sparkplug-state sparkplug-${sp.status}`}
            id={`topic-sp-${id}`}
            title="Sparkplug B state: online from its BIRTH until its DEATH"
          >
            {sparkplugWords(sp)}
          </span>
        )}
        {preview && preview.text !== '' && (
          <span className={`tree-preview preview-${preview.kind}`}>{preview.text}</span>
        )}
        <span className="tree-figures" id={`topic-figures-${id}`}>
          {isTopic && mirror.isRetained(id) ? `retained · ${figures}` : figures}
        </span>
      </div>
    )
  }

  let total = 0
  for (const r of mirror.roots) total += mirror.topics[r.id]
  const status = model.filter
    ? `${fmtInt(model.filter.matchCount)} of ${fmtInt(total)} topics match`
    : `${fmtInt(total)} topic${total === 1 ? '' : 's'}`

  return (
    <div className="tree-wrap">
      <p className="tree-status" aria-live="polite">
        {mirror.loaded ? status : 'Loading topics…'}
      </p>
      {mirror.refused > 0 && (
        <p className="warning-text">
          The tree is full ({MAX_TREE_NODES.toLocaleString('en-US')} entries):{' '}
          {mirror.refused.toLocaleString('en-US')} messages on topics beyond it are not shown here.
          They are still captured and charted.
        </p>
      )}
      <div
        ref={scroller}
        className="topic-tree"
        role="tree"
        aria-label="Topic tree"
        tabIndex={0}
        aria-activedescendant={
          activeRow >= first && activeRow < last ? `topic-node-${model.active}` : undefined
        }
        onKeyDown={onKeyDown}
        onScroll={(e) => {
          const top = e.currentTarget.scrollTop
          setView((v) => (v.top === top ? v : { ...v, top }))
        }}
      >
        <div role="presentation" style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
          {items}
        </div>
      </div>
    </div>
  )
}
