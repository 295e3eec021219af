import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import mqtt from 'mqtt'
import protobuf from 'protobufjs'
import { waitForSubscribe } from '../test-support/broker-log'
import { expect, test } from './fixtures/app'
import { openNewProfile } from './fixtures/profile-form'

let dir: string

test.beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-binary-'))
  fs.writeFileSync(
    path.join(dir, 'meter.proto'),
    'syntax = "proto3";\npackage plant;\nmessage Meter { double power = 1; uint32 pulses = 2; }\n'
  )
})
test.afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

test('a binary struct and a protobuf message are chosen, checked and charted from the form', async ({
  page,
  broker,
  app
}) => {
  await openNewProfile(page, app.url, { name: 'Binary', port: broker.ports.anonymous! })
  await page.getByLabel('Client ID', { exact: true }).fill('e2e-binary')
  await page.getByLabel('Topics', { exact: true }).fill('dev/raw 1\ndev/meter 1')

  // The struct: a layout without a byte order is explained as it is typed, then fixed.
  await page.getByText(/dev\/raw: Detect from the first payloads/).click()
  await page.getByLabel('Payload format for dev/raw').selectOption('struct')
  const layout = page.getByLabel('Struct layout for dev/raw')
  await layout.fill('fff')
  await expect(page.getByRole('alert')).toHaveText(
    'Start the struct layout with < (little-endian) or > (big-endian), e.g. <fff; native alignment (@) is not supported.'
  )
  await expect(layout).toHaveAttribute('aria-invalid', 'true')
  await layout.fill('<fff')
  await expect(page.getByText('This one reads 3 values, 12 bytes (little-endian).')).toBeVisible()
  await page.getByLabel('Field names for dev/raw').fill('temperature, pressure')
  await expect(page.getByRole('alert')).toHaveText(
    'The struct layout <fff has 3 values but 2 names are given.'
  )
  await page.getByLabel('Field names for dev/raw').fill('temperature, pressure, altitude')
  await expect(page.getByRole('alert')).toHaveCount(0)
  await page.getByLabel('Units for dev/raw').fill('temperature=°C, pressure=hPa, altitude=m')

  // The protobuf: a wrong path is said in words by the core; the right one lists its types.
  await page.getByText(/dev\/meter: Detect from the first payloads/).click()
  await page.getByLabel('Payload format for dev/meter').selectOption('protobuf')
  const file = page.getByLabel('.proto file for dev/meter')
  await file.fill(path.join(dir, 'nowhere.proto'))
  await page.getByRole('button', { name: 'Check .proto file for dev/meter' }).click()
  await expect(page.getByRole('alert')).toHaveText(
    `There is no file ${path.join(dir, 'nowhere.proto')}.`
  )
  await file.fill(path.join(dir, 'meter.proto'))
  await page.getByRole('button', { name: 'Check .proto file for dev/meter' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Loaded' })).toHaveText(
    'Loaded: 1 message type.'
  )
  await page.getByLabel('Message type for dev/meter').fill('plant.Meter')
  await page.getByLabel('Units for dev/meter').fill('power=kW')

  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await expect(page.getByRole('status').first()).toHaveText(/Binary: connected/)
  await waitForSubscribe(broker, 'e2e-binary')

  const client = await mqtt.connectAsync(broker.url('anonymous'), { clientId: 'e2e-binary-pub' })
  const struct = Buffer.alloc(12)
  struct.writeFloatLE(22.31, 0)
  struct.writeFloatLE(1013.25, 4)
  struct.writeFloatLE(76.12, 8)
  await client.publishAsync('dev/raw', struct, { qos: 1 })
  const Meter = protobuf
    .parse('syntax = "proto3"; message Meter { double power = 1; uint32 pulses = 2; }')
    .root.lookupType('Meter')
  await client.publishAsync(
    'dev/meter',
    Buffer.from(Meter.encode({ power: 4.75, pulses: 12 }).finish()),
    {
      qos: 1
    }
  )
  await client.publishAsync('dev/raw', Buffer.alloc(8), { qos: 1 })
  await client.endAsync()

  await expect(page.getByRole('list', { name: /°C legend/ })).toContainText(
    /temperature.*22\.31 °C/
  )
  await expect(page.getByRole('list', { name: /hPa legend/ })).toContainText(
    /pressure.*1013\.25 hPa/
  )
  await expect(page.getByRole('list', { name: /kW legend/ })).toContainText(/power.*4\.75 kW/)
  // The short payload is counted on its topic with the reason.
  const raw = page
    .getByRole('region', { name: 'Topic statistics' })
    .getByRole('row')
    .filter({ hasText: 'dev/raw' })
  await expect(raw).toContainText('payload is 8 bytes but layout <fff needs 12 bytes')
})
