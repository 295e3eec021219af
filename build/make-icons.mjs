// `npm run icons`: renders build/icon.svg to the PNGs electron-builder and the window use.
// electron-builder makes the .icns (macOS) and .ico (Windows) from build/icon.png itself.
// Uses Debian's Chromium (or CHROMIUM_PATH) through Playwright; nothing is downloaded.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const svg = fs.readFileSync(path.join(root, 'build/icon.svg'), 'utf8')
const targets = [
  ['build/icon.png', 1024],
  ...[512, 256, 128, 64, 48, 32, 16].map((size) => [`build/icons/${size}x${size}.png`, size]),
  ['resources/icon.png', 512]
]

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu']
})
try {
  const page = await browser.newPage()
  for (const [file, size] of targets) {
    await page.setViewportSize({ width: size, height: size })
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`
    )
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    await page.screenshot({ path: path.join(root, file), omitBackground: true })
    console.log(`${file} ${size}x${size}`)
  }
} finally {
  await browser.close()
}
