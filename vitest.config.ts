import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/__tests__/**/*.test.ts', 'test-support/__tests__/*.test.ts'],
    // Integration tests start real brokers: give a shared 2-core machine room.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // electron-store imports 'electron': inlined, it gets the shell tests' electron mock
    // instead of the real package (which would try to download a binary).
    server: { deps: { inline: ['electron-store'] } }
  }
})
