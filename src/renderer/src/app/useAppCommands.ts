import { useEffect, useRef } from 'react'
import type { Api } from '../../../shared/contract'
import type { ConnectionStatus } from '../../../shared/types'
import { errorMessage } from '../util/id'
import { broadcastCommand, focusFirstField } from './app-commands'

interface Options {
  /** The selected saved profile, which Connect and Disconnect act on. */
  profileId: string | undefined
  readOnly: boolean
  /** The settings panel, focused by the 'settings' command. */
  settings: React.RefObject<HTMLElement | null>
  onStatus: (status: ConnectionStatus) => void
  onError: (message: string) => void
}

/**
 * Acts on `app:command` events from the desktop menu: disconnect and settings here; every
 * command is also broadcast as a DOM 'app-command' event (connect for the connection bar,
 * pause for the charts, export).
 */
export function useAppCommands(api: Api, options: Options): void {
  const latest = useRef(options)
  useEffect(() => {
    latest.current = options
  })
  useEffect(
    () =>
      api.on('app:command', ({ command }) => {
        broadcastCommand(window, command)
        const { profileId, readOnly, settings, onStatus, onError } = latest.current
        if (command === 'settings') focusFirstField(settings.current)
        // 'connect' is the Connect button's own (it may ask first): see ConnectionBar.
        if (command !== 'disconnect' || !profileId || readOnly) return
        api
          .invoke('connection:close', { profileId })
          .then(onStatus, (e: unknown) => onError(errorMessage(e)))
      }),
    [api]
  )
}
