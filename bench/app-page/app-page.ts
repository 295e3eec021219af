// Builds the app's page with the benchmarks' frame probe (main.ts) into .bench-tmp/app-page;
// serve mode serves it instead of the product page when MQTT_MONITOR_RENDERER_DIR names it.
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { build } from 'vite'

const here = path.dirname(fileURLToPath(import.meta.url))
const outDir = path.resolve(here, '../../.bench-tmp/app-page')

let built: Promise<string> | null = null

/** The folder of the built page (built once per benchmark run). */
export function benchAppPage(): Promise<string> {
  built ??= build({
    configFile: false,
    logLevel: 'warn',
    root: here,
    plugins: [react()],
    build: { outDir, emptyOutDir: true }
  }).then(() => outDir)
  return built
}

/** What startServe needs to serve that page. */
export async function benchPageEnv(): Promise<NodeJS.ProcessEnv> {
  return { MQTT_MONITOR_RENDERER_DIR: await benchAppPage() }
}
