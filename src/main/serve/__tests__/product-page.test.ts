// What ships: the built page (out/renderer, made by `npm run build` before the tests) holds
// none of the benchmarks' code; their own copy of the page is built by `npm run bench` alone.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { expect, it } from 'vitest'

const OUT = path.resolve('out/renderer')

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]))
}

it('the product page carries no benchmark probe or bench page', () => {
  if (!fs.existsSync(OUT)) throw new Error(`${OUT} is missing: build first (npm run build)`)
  const scripts = files(OUT).filter((f) => f.endsWith('.js'))
  expect(scripts.length).toBeGreaterThan(0)
  for (const file of scripts) {
    const text = fs.readFileSync(file, 'utf8')
    for (const marker of ['__mlmBench', 'chartBench', 'uPlot'])
      expect(text.includes(marker), `${marker} in ${file}`).toBe(false)
  }
})
