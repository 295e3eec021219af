#!/usr/bin/env node
// `npm run security`: Electronegativity over the project (sources, and the built app in out/
// when there is one). Fails on any finding above informational, or on a file it cannot parse.
// Usage: node .ci/electronegativity.mjs [dir]   (default: the project root)
import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const input = path.resolve(process.argv[2] ?? root)
// Test reports and packaged output are not the app's code.
const GENERATED = ['test-results', 'playwright-report', 'blob-report', '.bench-tmp', 'dist']

const require = createRequire(import.meta.url)
const pkgDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'))
const fromTool = createRequire(path.join(pkgDir, 'dist', 'runner.js'))

// Its CLI reads options the way commander 5 stored them, and npm hoists commander 7 here, so
// the runner is called directly. It also fetches translations and Electron's release list
// over the internet; CI has no such access (and should not try), so `got` is an offline stub.
// The one check that needs that list (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK) then finds nothing.
const offline = () => Promise.reject(new Error('offline: no network requests from CI'))
offline.head = offline
const gotPath = fromTool.resolve('got')
require.cache[gotPath] = {
  id: gotPath,
  filename: gotPath,
  loaded: true,
  exports: { __esModule: true, default: offline }
}
const run = fromTool('./runner.js')
const { severity } = fromTool('./finder/attributes')
const csp = fromTool('@doyensec/csp-evaluator')

/**
 * Findings reviewed and accepted, each narrowly and with the reason. Anything else above
 * informational fails the run.
 */
const ACCEPTED = [
  {
    // Raised for every window that has a preload, asking for a review. Ours is sandboxed,
    // CommonJS, and exposes one `api` whose invoke/on accept only the contract's channels
    // (src/preload/index.ts; proved in src/main/electron/__tests__/preload.test.ts).
    why: 'the preload was reviewed',
    accepts: (i) =>
      i.id === 'PRELOAD_JS_CHECK' &&
      ['src/main/electron/window.ts', 'out/main/index.js'].includes(fromRoot(i.file))
  },
  {
    // csp-evaluator notes that script-src 'self' "can be problematic if you host JSONP, Angular
    // or user uploaded files". Our origin serves none: file:// in the desktop app, and in serve
    // mode only the built renderer plus CSV downloads sent as attachments with nosniff.
    // Accepted only when that note is the CSP's one finding, so e.g. 'unsafe-eval' still fails.
    why: "script-src 'self' serves no JSONP, Angular or uploads",
    accepts: (i) => {
      if (i.id !== 'CSP_GLOBAL_CHECK' || typeof i.sample !== 'string') return false
      const parsed = new csp.CspParser(i.sample).csp
      const findings = new csp.CspEvaluator(parsed, csp.Version.CSP3).evaluate()
      return findings.every(
        (f) =>
          f.severity >= csp.severities.INFO ||
          (f.directive === 'script-src' &&
            f.value === "'self'" &&
            f.severity === csp.severities.MEDIUM_MAYBE)
      )
    }
  }
]

const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
  .devDependencies.electron

const log = console.log
console.log = (...args) => {
  // The tool's notes about what it could not fetch (see above).
  if (!/translations|releases|connectivity/i.test(String(args[0]))) log(...args)
}
let result
try {
  result = await run({
    input,
    customScan: [],
    excludeFromScan: [],
    isRelative: true,
    electronVersionOverride: electronVersion,
    parserPlugins: []
  })
} finally {
  console.log = log
}

/** A finding's file as a path from the project root, whatever folder was scanned. */
const fromRoot = (file) => path.relative(root, path.resolve(input, file)).split(path.sep).join('/')
const generated = (file) => GENERATED.includes(fromRoot(file).split('/')[0])
const issues = result.issues.filter((i) => !generated(i.file))
const accepted = new Map(issues.map((i) => [i, ACCEPTED.find((a) => a.accepts(i))]))
const failing = issues.filter(
  (i) => i.severity.value > severity.INFORMATIONAL.value && !accepted.get(i)
)
const unparsed = result.errors.filter(
  (e) => !e.tolerable && !generated(path.relative(input, e.file))
)

const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version
console.log(
  `Electronegativity ${version}: ${result.globalChecks + result.atomicChecks} checks over ${path.relative(root, input) || '.'} (Electron ${electronVersion})`
)
for (const i of issues) {
  const where = `${i.file}:${i.location.line}:${i.location.column}`
  const ok = accepted.get(i)
  console.log(
    `  ${i.severity.name.padEnd(13)} ${i.id}  ${where}${i.manualReview ? '  (review)' : ''}`
  )
  console.log(`                ${i.description}${ok ? ` [accepted: ${ok.why}]` : ''}`)
}
for (const e of unparsed)
  console.log(`  NOT CHECKED   ${path.relative(input, e.file)}: ${e.message}`)
const acceptedCount = [...accepted.values()].filter(Boolean).length
const info = issues.filter((i) => i.severity.value <= severity.INFORMATIONAL.value).length
console.log(
  `${failing.length} above informational, ${acceptedCount} accepted after review, ${info} informational, ${unparsed.length} files not parsed`
)
process.exit(failing.length > 0 || unparsed.length > 0 ? 1 : 0)
