// `npm run bench`: runs every bench/*.bench.ts in turn and prints one table at the end.
// Usage: npm run bench [-- name-filter]
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Bench, BenchResult } from './bench-lib'

const here = path.dirname(fileURLToPath(import.meta.url))
const filter = process.argv[2]

async function main(): Promise<void> {
  const files = fs
    .readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
    .sort()
  const rows: (BenchResult & { bench: string })[] = []
  for (const file of files) {
    const bench = (await import(pathToFileURL(path.join(here, file)).href)).default as Bench
    console.log(`\n== ${bench.title} (${file})`)
    try {
      for (const result of await bench.run()) {
        rows.push({ bench: bench.title, ...result })
        console.log(
          `   ${result.name}: ours ${result.ours}, reference ${result.reference}, ratio ${result.ratio.toFixed(3)} (goal ${result.goal}) ${result.pass ? 'PASS' : 'FAIL'}`
        )
      }
    } catch (error) {
      console.error(`   failed: ${(error as Error).stack ?? error}`)
      rows.push({
        bench: bench.title,
        name: 'run',
        ours: 'error',
        reference: '-',
        ratio: NaN,
        goal: '-',
        pass: false,
        note: String(error)
      })
    }
  }
  console.log('\n| benchmark | measure | ours | reference | ratio | goal | verdict |')
  console.log('| --- | --- | --- | --- | --- | --- | --- |')
  for (const r of rows) {
    console.log(
      `| ${r.bench} | ${r.name} | ${r.ours} | ${r.reference} | ${Number.isFinite(r.ratio) ? r.ratio.toFixed(3) : '-'} | ${r.goal} | ${r.pass ? 'PASS' : 'FAIL'} |`
    )
  }
  const notes = rows.filter((r) => r.note)
  for (const r of notes) console.log(`note (${r.name}): ${r.note}`)
}

void main()
