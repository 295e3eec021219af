import { newProfile } from '../src/shared/defaults'
import { expect, test } from './fixtures/app'

test('two profiles connected at once, each with its own status in the connection bar', async ({
  page,
  broker,
  app,
  api
}) => {
  // Two saved profiles, set up the way the form would save them.
  for (const [id, name, port] of [
    ['a', 'Lab A', broker.ports.anonymous!],
    ['b', 'Lab B', broker.ports.password!]
  ] as const) {
    await api.invoke('settings:save-profile', {
      profile: newProfile(id, { name, host: '127.0.0.1', port, username: 'sensor' }),
      password: { action: 'set', value: broker.users.sensor }
    })
  }
  await page.goto(app.url)
  const profile = page.getByLabel('Profile', { exact: true })
  await profile.selectOption({ label: 'Lab A' })
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText('Lab A: connected')

  await profile.selectOption({ label: 'Lab B' })
  await expect(page.getByRole('status')).toHaveText('Lab B: disconnected')
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText('Lab B: connected')
  const others = page.getByRole('list', { name: 'Other connections' })
  await expect(others.getByRole('listitem')).toHaveText(['Lab A: connectedDisconnect'])

  // Lab A is stopped from the bar while Lab B stays selected and connected.
  await others.getByRole('button', { name: 'Disconnect Lab A' }).click()
  await expect(others).toHaveCount(0)
  await expect(page.getByRole('status')).toHaveText('Lab B: connected')
  expect((await api.invoke('connection:list')).map((s) => [s.name, s.state])).toEqual([
    ['Lab B', 'connected']
  ])
})
