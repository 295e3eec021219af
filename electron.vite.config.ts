import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // serve.js (the headless server) and capture.js (the capture worker) share the core
        // with the desktop entry but never import 'electron', so they run under plain Node.
        input: {
          index: resolve('src/main/index.ts'),
          serve: resolve('src/main/serve/cli.ts'),
          capture: resolve('src/main/serve/capture-cli.ts')
        }
      }
    }
  },
  preload: {
    build: {
      // A sandboxed preload must be one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        external: ['electron'],
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false }
      }
    }
  },
  renderer: {
    root: resolve('src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } }
    },
    plugins: [react()]
  }
})
