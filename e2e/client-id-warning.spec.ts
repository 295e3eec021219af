import { newProfile } from '../src/shared/defaults'
import { expect, test } from './fixtures/app'

test('connecting a second profile with a client ID in use asks first', async ({
  page,
  broker,
  app,
  api
}) => {
  // Two profiles for the same broker that were given the same client ID.
  for (const [id, name] of [
    ['a', 'Lab A'],
    ['b', 'Lab B']
  ] as const) {
    await api.invoke('settings:save-profile', {
      profile: newProfile(id, {
        name,
        host: '127.0.0.1',
        port: broker.ports.anonymous!,
        clientId: 'shared-client'
      })
    })
  }
  await page.goto(app.url)
  const profile = page.getByLabel('Profile', { exact: true })
  const connect = page.getByRole('button', { name: 'Connect', exact: true })
  await profile.selectOption({ label: 'Lab A' })
  await connect.click()
  await expect(page.getByRole('status')).toHaveText('Lab A: connected')

  await profile.selectOption({ label: 'Lab B' })
  await connect.click()
  const warning = page.getByRole('alert').filter({ hasText: 'already connected' })
  await expect(warning).toContainText(
    '"Lab A" is already connected to 127.0.0.1 with client ID "shared-client".'
  )
  // Cancel: nothing was connected.
  await warning.getByRole('button', { name: 'Cancel' }).click()
  await expect(warning).toHaveCount(0)
  await expect(page.getByRole('status')).toHaveText('Lab B: disconnected')
  expect((await api.invoke('connection:list')).map((s) => s.name)).toEqual(['Lab A'])

  // Asked again, the user connects anyway.
  await connect.click()
  await warning.getByRole('button', { name: 'Connect anyway' }).click()
  await expect(warning).toHaveCount(0)
  await expect
    .poll(async () => (await api.invoke('connection:list')).map((s) => s.name).sort())
    .toEqual(['Lab A', 'Lab B'])
})
