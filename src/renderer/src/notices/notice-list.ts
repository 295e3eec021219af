// The notice queue: newest last, repeats folded, bounded.
import type { Notice } from '../../../shared/types'

export interface ShownNotice extends Notice {
  id: number
  count: number
}

export const MAX_NOTICES = 5

/** Adds a notice, folding an exact repeat of the newest one into a counter. */
export function addNotice(list: ShownNotice[], notice: Notice, id: number): ShownNotice[] {
  const last = list[list.length - 1]
  if (last && last.level === notice.level && last.message === notice.message) {
    return [...list.slice(0, -1), { ...last, count: last.count + 1 }]
  }
  return [...list, { ...notice, id, count: 1 }].slice(-MAX_NOTICES)
}
