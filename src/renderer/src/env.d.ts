/// <reference types="vite/client" />
import type { Api } from '../../shared/contract'

declare global {
  interface Window {
    /** Injected by the Electron preload; absent in a plain browser (serve mode). */
    api?: Api
  }
}

export {}
