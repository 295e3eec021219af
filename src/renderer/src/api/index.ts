// The one way the UI reaches the core: the preload's `window.api` in the desktop app, a
// WebSocket client when the page is served to a browser.
import type { Api } from '../../../shared/contract'
import { createWsApi, wsUrlFor, type WebSocketFactory, type WsApi } from './ws-client'

let api: Api | null = null
let wsApi: WsApi | null = null

export function getApi(): Api {
  if (api) return api
  if (window.api) {
    api = window.api
  } else {
    wsApi = createWsApi({
      url: wsUrlFor(window.location),
      WebSocket: window.WebSocket as unknown as WebSocketFactory
    })
    api = wsApi
  }
  return api
}

/** Runs after the WebSocket comes back, so the UI can fetch state it missed. No-op on IPC. */
export function onApiReconnect(listener: () => void): () => void {
  getApi()
  return wsApi ? wsApi.onReconnect(listener) : () => {}
}

/** The page's `token` parameter, which serve mode also expects on download links. */
export function pageToken(): string | null {
  return new URLSearchParams(window.location.search).get('token')
}

export type { Api }
