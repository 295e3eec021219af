// The installers cannot be built here (electron-builder needs the Electron binary), so this
// loads electron-builder.yml, has electron-builder's own loader and schema check it, and
// checks the targets, the icons and what goes into the app.
import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import * as path from 'node:path'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'

interface Target {
  target: string
  arch: string[]
}
interface BuilderConfig {
  appId: string
  productName: string
  directories: { buildResources: string; output: string }
  files: string[]
  asar?: boolean
  publish: { provider: string; owner?: string; repo?: string }
  win: { target: Target[]; icon: string }
  mac: { target: Target[]; icon: string; category: string; artifactName: string }
  linux: { target: Target[]; icon: string; maintainer?: string; executableName: string }
  nsis: { artifactName: string }
  appImage: { artifactName: string }
  deb: { artifactName: string }
}

const root = path.resolve('.')
const config = yaml.load(fs.readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as Record<string, never>

/** Width and height from a PNG's IHDR chunk (and proof that it is a PNG). */
function pngSize(file: string): [number, number] {
  const bytes = fs.readFileSync(file)
  expect(bytes.subarray(0, 8).toString('hex'), file).toBe('89504e470d0a1a0a')
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)]
}

const targets = (list: Target[]) => Object.fromEntries(list.map((t) => [t.target, t.arch]))

describe('electron-builder.yml', () => {
  it('passes electron-builder 26 own loader and schema validation', async () => {
    const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'))
    const { getConfig, validateConfiguration } = fromBuilder(
      'app-builder-lib/out/util/config/config'
    ) as {
      getConfig: (dir: string, file: string | null, extra: null) => Promise<unknown>
      validateConfiguration: (config: unknown, logger: unknown) => Promise<void>
    }
    const loaded = await getConfig(root, null, null)
    expect(loaded).toMatchObject({ appId: config.appId, productName: config.productName })
    await expect(
      validateConfiguration(loaded, { isEnabled: false, add: () => undefined })
    ).resolves.toBeUndefined()
    // And it does reject a wrong key: the check is real.
    await expect(
      validateConfiguration(
        { ...(loaded as object), linnux: {} },
        { isEnabled: false, add: () => undefined }
      )
    ).rejects.toThrow(/linnux/)
  })

  it('names the app properly', () => {
    expect(config.appId).toMatch(/^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*){2,}$/)
    expect(config.productName).toBe('MQTT Live Monitor')
    expect(config.productName).toBe(pkg.productName)
    expect(config.linux.executableName).toBe(pkg.name)
  })

  it("takes the deb's maintainer from package.json's author (name and email), nowhere else", () => {
    // electron-builder builds "Name <email>" from the author when linux.maintainer is unset.
    expect(config.linux.maintainer).toBeUndefined()
    const author = pkg.author as { name?: string; email?: string }
    expect(author.name).toMatch(/\S/)
    expect(author.email).toMatch(/^[^\s@<>]+@[^\s@<>]+\.[a-z]{2,}$/i)
    expect(`${author.name} <${author.email}>`).not.toMatch(/\.invalid>$/)
  })

  it('builds NSIS, dmg + zip, AppImage and deb, each for x64 and arm64', () => {
    expect(targets(config.win.target)).toEqual({ nsis: ['x64', 'arm64'] })
    // The zip is what electron-updater installs from on macOS.
    expect(targets(config.mac.target)).toEqual({ dmg: ['x64', 'arm64'], zip: ['x64', 'arm64'] })
    expect(targets(config.linux.target)).toEqual({
      AppImage: ['x64', 'arm64'],
      deb: ['x64', 'arm64']
    })
  })

  it('names release files without spaces, so the updater finds them on GitHub', () => {
    // GitHub replaces spaces in asset names; latest*.yml would then name missing files.
    const names = [
      config.nsis.artifactName,
      config.mac.artifactName,
      config.appImage.artifactName,
      config.deb.artifactName
    ]
    for (const name of names) {
      expect(name).not.toContain('${productName}')
      expect(name).toMatch(/^\$\{name\}/)
    }
    expect(pkg.name).toMatch(/^[a-z0-9-]+$/)
    // The mac name carries the arch: two zips for one version must not collide.
    expect(config.mac.artifactName).toContain('${arch}')
  })

  it('publishes to GitHub releases, as drafts, for electron-updater', () => {
    // Owner and repository come from the checkout's git remote on the release runner.
    expect(config.publish).toEqual({ provider: 'github', releaseType: 'draft' })
    expect((pkg.dependencies as Record<string, string>)['electron-updater']).toMatch(
      /^\d+\.\d+\.\d+$/
    )
  })

  it('has icons in build/ large enough for every platform', () => {
    expect(config.directories.buildResources).toBe('build')
    // electron-builder makes the .icns and .ico from a PNG of at least 512 (1024 for Retina).
    for (const icon of [config.win.icon, config.mac.icon])
      expect(pngSize(icon)).toEqual([1024, 1024])
    const linuxIcons = fs.readdirSync(config.linux.icon)
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(linuxIcons).toContain(`${size}x${size}.png`)
      expect(pngSize(path.join(config.linux.icon, `${size}x${size}.png`))).toEqual([size, size])
    }
    expect(pngSize('resources/icon.png')).toEqual([512, 512])
    expect(fs.existsSync('build/icon.svg')).toBe(true)
  })

  it('packs the built app (out/**) in an asar, not the sources', () => {
    expect(config.asar).not.toBe(false)
    expect(config.files).toContain('out/**/*')
    expect(config.files).toContain('resources/**/*')
    expect(config.files.some((f) => /^src\b/.test(f))).toBe(false)
    expect(pkg.main).toBe('./out/main/index.js')
    expect(config.directories.output).toBe('dist')
  })

  it('is what `npm run dist` runs after the build', () => {
    expect((pkg.scripts as Record<string, string>).dist).toBe(
      'electron-vite build && electron-builder'
    )
    expect((pkg.devDependencies as Record<string, string>)['electron-builder']).toMatch(
      /^\d+\.\d+\.\d+$/
    )
  })
})
