import { describe, expect, it } from 'vitest'
import type { StoreStatus } from '../../../../shared/store-types'
import { deadLetterText, isProblem, lagText, statusText } from '../store-status'

const base: StoreStatus = {
  state: 'caught-up',
  lagRows: 0,
  lagSeconds: 0,
  storedRows: 0,
  deadLetters: 0,
  since: 0,
  source: 'host-1'
}

describe('the store status line', () => {
  it('says what the store does and how far behind it is, in words', () => {
    expect(statusText({ ...base, state: 'off' }, false)).toBe('Off: no database is set up.')
    expect(statusText({ ...base, state: 'off' }, true)).toMatch(/^Not writing: turn on/)
    expect(statusText({ ...base, state: 'caught-up', storedRows: 12345 }, true)).toBe(
      'Up to date: 12,345 readings stored since the app started.'
    )
    expect(statusText({ ...base, state: 'writing', lagRows: 1, lagSeconds: 0.25 }, true)).toBe(
      'Writing: 1 message (0.3 s of data) not yet in the database.'
    )
    const retrying = statusText(
      {
        ...base,
        state: 'retrying',
        lagRows: 4000,
        lagSeconds: 5400,
        message: 'The database at h:5432 refused the connection.',
        nextRetryAt: Date.UTC(2026, 0, 1, 12, 0, 5)
      },
      true
    )
    expect(retrying).toMatch(
      /^Cannot write: The database at h:5432 refused the connection\. Next try at \d\d:\d\d:05\./
    )
    expect(retrying).toMatch(
      /Capture goes on; 4,000 messages \(1\.5 h of data\) wait in the journal\.$/
    )
    expect(statusText({ ...base, state: 'error', message: 'Bad URL.' }, true)).toBe(
      'Not writing: Bad URL.'
    )
  })

  it('marks trouble, counts minutes, and mentions refused readings only when there are some', () => {
    expect(isProblem({ ...base, state: 'retrying' })).toBe(true)
    expect(isProblem({ ...base, state: 'error' })).toBe(true)
    expect(isProblem({ ...base, state: 'writing' })).toBe(false)
    expect(lagText({ ...base, lagRows: 2, lagSeconds: 90 })).toBe('2 messages (1.5 min of data)')
    expect(deadLetterText(base)).toBeNull()
    expect(deadLetterText({ ...base, deadLetters: 3 })).toMatch(/refused 3 readings/)
  })
})
