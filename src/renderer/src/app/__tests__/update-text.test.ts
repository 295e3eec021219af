import { describe, expect, it } from 'vitest'
import { updateText } from '../update-text'

describe('updateText', () => {
  it('says each state of the update check in words', () => {
    expect(updateText({ state: 'off' })).toBe('')
    expect(updateText({ state: 'checking' })).toBe('Checking for updates…')
    expect(updateText({ state: 'current' })).toBe('This is the newest version.')
    expect(updateText({ state: 'downloading', version: '1.2.0', percent: 41 })).toBe(
      'Version 1.2.0 is available: downloading (41 %)…'
    )
    expect(updateText({ state: 'ready', version: '1.2.0' })).toBe(
      'Version 1.2.0 is ready: it installs when the app restarts.'
    )
    expect(updateText({ state: 'error', message: 'Could not check for updates: offline' })).toBe(
      'Could not check for updates: offline'
    )
  })
})
