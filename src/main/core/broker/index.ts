// The broker's side: the `$SYS` view and the queue table ("qshape for MQTT").
import { AppError, type InvokeChannel } from '../../../shared/contract'
import type { Handlers } from '../monitor-core'
import { askBrokerToSave, findBrokerProcess } from './broker-process'
import { BrokerService, type BrokerDeps } from './broker-service'

type BrokerChannel = Extract<InvokeChannel, `broker:${string}`>

export interface BrokerFeature {
  handlers: Pick<Handlers, BrokerChannel>
  /** True when a message is the broker view's alone (keep it from the topic's decoder). */
  message: BrokerService['message']
  connectionOpened(profileId: string): void
  close(): void
}

export function setupBroker(deps: BrokerDeps & { mode: 'desktop' | 'serve' }): BrokerFeature {
  const service = new BrokerService(deps)
  const desktopOnly = (): void => {
    if (deps.mode !== 'desktop')
      throw new AppError(
        'unsupported',
        'Serve mode never sends signals. On the broker’s host run "kill -USR1 <pid>" (Mosquitto then saves its persistence file), then Refresh.'
      )
  }
  return {
    handlers: {
      'broker:watch': async ({ profileId, watching, pinned }) => ({
        view: service.watch(profileId, watching, pinned),
        prefs: service.getPrefs(profileId)
      }),
      'broker:qshape': async ({ profileId, file, options }) =>
        service.qshape(profileId, file, options),
      'broker:find-process': async ({ profileId, target }) => {
        desktopOnly()
        const found = await findBrokerProcess(target)
        service.rememberProcess(profileId, target)
        return found
      },
      'broker:save-now': async ({ pid, file }) => {
        desktopOnly()
        return askBrokerToSave(pid, file)
      }
    },
    message: (profile, topic, payload) => service.message(profile, topic, payload),
    connectionOpened: (profileId) => service.connectionOpened(profileId),
    close: () => service.close()
  }
}
