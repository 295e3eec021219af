// Where secrets cannot be encrypted (here: `serve --session-secrets`, as on Linux without a
// keyring), saving a password asks the user first; the answer decides, nothing reaches disk,
// and a password kept for the session really connects.
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Page } from '@playwright/test'
import type { ServedApp } from '../test-support/serve'
import { connectWsApi } from '../test-support/ws-api'
import { expect, test } from './fixtures/app'
import { openNewProfile } from './fixtures/profile-form'

test.use({ serveArgs: ['--session-secrets'] })

async function hasPassword(app: ServedApp): Promise<boolean | undefined> {
  const api = await connectWsApi(app.url)
  try {
    const view = await api.invoke('settings:get')
    return view.profiles.find((p) => p.name === 'Session broker')?.hasPassword
  } finally {
    await api.close()
  }
}

function filesOnDisk(app: ServedApp): string {
  return fs
    .readdirSync(app.dataDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => fs.readFileSync(path.join(app.dataDir, f), 'utf8'))
    .join('\n')
}

async function savePassword(page: Page, password: string) {
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Keep the password for this session only?' })
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText('will not write it to disk')
  return dialog
}

test('asks before keeping a password for this session; each answer does what it says', async ({
  page,
  broker,
  app
}) => {
  const password = broker.users.sensor
  await openNewProfile(page, app.url, { name: 'Session broker', port: broker.ports.password! })
  await page.getByLabel('Transport', { exact: true }).selectOption('mqtt')
  await page.getByLabel('Username', { exact: true }).fill('sensor')
  await page.getByLabel('Client ID', { exact: true }).fill('e2e-session-secret')
  await page.getByLabel('Topics', { exact: true }).fill('lab/# 1')

  // Cancel: nothing is saved.
  let dialog = await savePassword(page, password)
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByRole('alert').filter({ hasText: /Not saved/ })).toBeVisible()
  expect(await hasPassword(app)).toBeUndefined()

  // Keep for this session only: saved, used to connect, never written.
  dialog = await savePassword(page, password)
  await dialog.getByRole('button', { name: 'Keep for this session only' }).click()
  await expect(page.getByText('Saved Session broker.')).toBeVisible()
  expect(await hasPassword(app)).toBe(true)
  expect(fs.existsSync(path.join(app.dataDir, 'secrets.json'))).toBe(false)
  expect(filesOnDisk(app)).not.toContain(password)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText(/Session broker: connected/)
  await page.getByRole('button', { name: 'Disconnect', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText(/Session broker: disconnected/i)

  // Save without it: the profile is saved and the password is gone.
  dialog = await savePassword(page, 'another-password-never-kept')
  await dialog.getByRole('button', { name: 'Save without it' }).click()
  await expect(dialog).toBeHidden()
  await expect.poll(() => hasPassword(app)).toBe(false)
  expect(filesOnDisk(app)).not.toContain('another-password-never-kept')
})
