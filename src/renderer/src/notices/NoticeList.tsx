import type { ShownNotice } from './notice-list'

interface Props {
  notices: ShownNotice[]
  onDismiss: (id: number) => void
}

export function NoticeList({ notices, onDismiss }: Props): React.JSX.Element | null {
  if (notices.length === 0) return null
  return (
    <ul className="notices" aria-label="Notices">
      {notices.map((n) => (
        <li key={n.id} className={`notice notice-${n.level}`}>
          <span>
            {n.message}
            {n.count > 1 ? ` (×${n.count})` : ''}
          </span>
          <button type="button" className="link-button" onClick={() => onDismiss(n.id)}>
            Dismiss
          </button>
        </li>
      ))}
    </ul>
  )
}
