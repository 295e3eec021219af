import { describe, expect, it } from 'vitest'
import { addNotice } from '../../notices/notice-list'
import { canConnect, canDisconnect, statusText } from '../status-text'

const base = { profileId: 'p', name: 'Lab', since: 0 }

describe('statusText', () => {
  it('says each state in plain words', () => {
    expect(statusText(undefined, 'Lab')).toBe('Lab: disconnected')
    expect(statusText({ ...base, state: 'connecting' }, 'Lab')).toBe('Lab: connecting…')
    expect(statusText({ ...base, state: 'connected' }, 'Lab')).toBe('Lab: connected')
    expect(
      statusText({ ...base, state: 'error', message: 'Wrong user name or password.' }, 'Lab')
    ).toBe('Lab: error — Wrong user name or password.')
  })

  it('shows the reconnect attempt and the next try time', () => {
    const next = new Date(2024, 0, 1, 14, 3, 21).getTime()
    const text = statusText(
      { ...base, state: 'reconnecting', attempt: 3, nextRetryAt: next, message: 'refused' },
      'Lab'
    )
    expect(text).toMatch(/^Lab: reconnecting \(attempt 3, next try at .*14.03.21.*\) — refused$/)
  })

  it('enables the right buttons', () => {
    expect(canConnect(undefined)).toBe(true)
    expect(canConnect('connected')).toBe(false)
    expect(canDisconnect('reconnecting')).toBe(true)
    expect(canDisconnect('disconnected')).toBe(false)
  })
})

describe('addNotice', () => {
  it('folds repeats and keeps the last five', () => {
    let list = addNotice([], { level: 'info', message: 'a' }, 1)
    list = addNotice(list, { level: 'info', message: 'a' }, 2)
    expect(list).toEqual([{ level: 'info', message: 'a', id: 1, count: 2 }])
    for (let i = 0; i < 10; i++)
      list = addNotice(list, { level: 'warning', message: `m${i}` }, 10 + i)
    expect(list.map((n) => n.message)).toEqual(['m5', 'm6', 'm7', 'm8', 'm9'])
  })
})
