// The core's topic explorer alone (tree and kept messages, default 64 MB budget) fed the
// explorer benchmark's 100,000 topics and then `messages` more, in its own process; prints
// the heap and array-buffer growth after a full GC (run with --expose-gc).
import { TopicsService } from '../../src/main/core/topics/topics-service'
import { newProfile } from '../../src/shared/defaults'
import { explorerSettingsSchema } from '../../src/shared/topic-types'

const topicCount = Number(process.argv[2] ?? 100_000)
const messages = Number(process.argv[3] ?? 400_000)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)
const topic = (i: number): string => `bench/l${i % 100}/d${Math.floor(i / 100) % 100}/s${i}`
const profile = newProfile('bench', { name: 'Bench' })
const service = new TopicsService({
  connection: () => undefined,
  profile: () => profile,
  explorerSettings: () => explorerSettingsSchema.parse({}),
  saveExplorer: () => undefined,
  emit: () => undefined
})
const packet = { qos: 0, retain: false, dup: false } as never
const measure = (): { heap: number; buffers: number } => {
  gc()
  const m = process.memoryUsage()
  return { heap: m.heapUsed / 1048576, buffers: m.arrayBuffers / 1048576 }
}
const before = measure()
for (let i = 0; i < topicCount + messages; i++) {
  const n = i < topicCount ? i : ((i - topicCount) * 7919) % topicCount
  service.message(profile, topic(n), Buffer.from(String(20 + (i % 100) / 10)), packet, ['value'])
}
const after = measure()
service.close()
console.log(
  JSON.stringify({
    heap: after.heap - before.heap,
    buffers: after.buffers - before.buffers,
    history: service.history.usedBytes / 1048576
  })
)
