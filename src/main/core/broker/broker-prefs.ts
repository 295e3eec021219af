import * as fs from 'node:fs'
import * as path from 'node:path'
import { z } from 'zod'
import { qshapeOptionsSchema, type BrokerPrefs } from '../../../shared/broker-types'

const entrySchema = z.object({
  file: z.string().max(4096).default(''),
  process: z.string().max(4096).default(''),
  options: qshapeOptionsSchema.default(qshapeOptionsSchema.parse({})),
  pinned: z.boolean().default(false)
})
type Entry = z.output<typeof entrySchema>

const MAX_PROFILES = 1000

/**
 * What the broker view remembers per connection profile (the persistence file, the broker's
 * process, the table's options, whether $SYS stays watched): `broker.json` in the data folder,
 * its own file so the settings' format stays the settings'. A damaged file is ignored.
 */
export class BrokerPrefsFile {
  private readonly entries = new Map<string, Entry>()
  private readonly file: string

  constructor(
    dataDir: string,
    private readonly writable: boolean
  ) {
    this.file = path.join(dataDir, 'broker.json')
    try {
      const raw: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'))
      if (raw && typeof raw === 'object') {
        for (const [id, value] of Object.entries(raw).slice(0, MAX_PROFILES)) {
          const parsed = entrySchema.safeParse(value)
          if (parsed.success) this.entries.set(id, parsed.data)
        }
      }
    } catch {
      // Missing or damaged: start from defaults.
    }
  }

  get(profileId: string): BrokerPrefs & { pinned: boolean } {
    return this.entries.get(profileId) ?? entrySchema.parse({})
  }

  pinnedProfiles(): string[] {
    return [...this.entries].filter(([, e]) => e.pinned).map(([id]) => id)
  }

  update(profileId: string, change: Partial<Entry>): void {
    const next = { ...this.get(profileId), ...change }
    this.entries.delete(profileId)
    this.entries.set(profileId, next)
    if (this.entries.size > MAX_PROFILES) this.entries.delete(this.entries.keys().next().value!)
    if (!this.writable) return
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true })
      const tmp = `${this.file}.tmp`
      fs.writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.entries), null, 2))
      fs.renameSync(tmp, this.file)
    } catch {
      // Remembering is a convenience: the view works on without it.
    }
  }
}
