// Builds the chart benchmark page (the app's chart modules + uPlot) with vite, serves it from
// a temp dir on loopback and opens it in headless Chromium.
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from '@playwright/test'
import { build } from 'vite'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')
const ENTRY = path.join(here, 'chart-bench-page.ts')
const UPLOT_CSS = path.join(root, 'node_modules/uplot/dist/uPlot.min.css')

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run'
]

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS
  })
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8'
}

function serve(dir: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const name = path.basename(new URL(req.url ?? '/', 'http://x').pathname) || 'index.html'
    const file = path.join(dir, name)
    if (!fs.existsSync(file)) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
    fs.createReadStream(file).pipe(res)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

export interface ChartPage {
  page: Page
  close(): Promise<void>
}

export async function openChartPage(): Promise<ChartPage> {
  const outDir = path.join(root, '.bench-tmp/chart-page')
  await build({
    configFile: false,
    logLevel: 'warn',
    root,
    build: {
      outDir,
      emptyOutDir: true,
      cssCodeSplit: false,
      minify: process.env.BENCH_MINIFY !== '0',
      rollupOptions: {
        input: ENTRY,
        output: { entryFileNames: 'page.js', assetFileNames: 'page[extname]' }
      }
    }
  })
  fs.copyFileSync(path.join(here, 'index.html'), path.join(outDir, 'index.html'))
  fs.copyFileSync(UPLOT_CSS, path.join(outDir, 'uPlot.min.css'))
  const server = await serve(outDir)
  const browser = await launchChromium()
  const page = await browser.newPage({
    viewport: { width: 1200, height: 800 },
    deviceScaleFactor: 1
  })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
  await page.waitForFunction('window.chartBench !== undefined').catch(() => {
    throw new Error(`the bench page did not start: ${errors.join('; ')}`)
  })
  return {
    page,
    async close() {
      await browser.close()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}
