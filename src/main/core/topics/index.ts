// The topic explorer's side of the core: the tree of every topic seen, the kept messages per
// topic, and publishing.
import type { IPublishPacket } from 'mqtt'
import type { InvokeChannel } from '../../../shared/contract'
import type { Profile } from '../../../shared/schemas'
import type { Handlers } from '../monitor-core'
import { TopicsService, type TopicsDeps } from './topics-service'

type TopicsChannel = Extract<InvokeChannel, `topics:${string}`>

export interface TopicsFeature {
  handlers: Pick<Handlers, TopicsChannel>
  /** Counts a message in the tree first: its node's id (-1 when not in the tree). */
  record(profile: Profile, topic: string, retain: boolean, at: number): number
  /** Then takes what it brought (see TopicsService.keep). */
  keep(
    nodeId: number,
    topic: string,
    payload: Uint8Array,
    packet: IPublishPacket | undefined,
    fields: readonly string[] | undefined
  ): void
  connectionOpened(profile: Profile): void
  close(): void
}

export function setupTopics(deps: TopicsDeps): TopicsFeature {
  const service = new TopicsService(deps)
  return {
    handlers: {
      'topics:snapshot': async () => service.snapshot(),
      'topics:preview': async ({ ids }) => service.previews(ids),
      'topics:history': async ({ nodeId, limit, beforeSeq }) =>
        service.messages(nodeId, limit, beforeSeq),
      'topics:payload': async ({ nodeId, seq, offset, length }) =>
        service.payloadPage(nodeId, seq, offset, length),
      'topics:publish': async (req) => service.publish(req),
      'topics:save-settings': async ({ clearRecent, ...change }) => {
        deps.saveExplorer({ ...change, ...(clearRecent ? { recent: [] } : {}) })
        service.applySettings()
        return deps.explorerSettings()
      }
    },
    record: (profile, topic, retain, at) => service.record(profile, topic, retain, at),
    keep: (nodeId, topic, payload, packet, fields) =>
      service.keep(nodeId, topic, payload, packet, fields),
    connectionOpened: (profile) => service.connectionOpened(profile),
    close: () => service.close()
  }
}
