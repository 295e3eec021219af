// A topic's messages from before this run, as the capture journal kept them: what the
// inspector lists after a restart, below the messages kept in memory since. Only captures
// begun before this run are read, so no message is listed twice.
import type { CaptureStore } from '../capture/capture-store'
import { recentMessages, type KeptMessage } from '../capture/recent-messages'

/**
 * Messages kept in memory are numbered from here up; the journal's are numbered down from
 * just below it (the newest is JOURNAL_SEQ_BASE - 1), so newer is larger across both.
 */
export const JOURNAL_SEQ_BASE = 2 ** 40

/** The seq of the journal's `index`-th newest message of a topic, and back. */
export const journalSeq = (index: number): number => JOURNAL_SEQ_BASE - 1 - index
export const journalIndex = (seq: number): number => JOURNAL_SEQ_BASE - 1 - seq

export class JournalMessages {
  /**
   * The last topic read, newest first. The inspector asks again each time a message arrives;
   * earlier runs' journal does not change in between, so it is read again only when a
   * different topic, more messages, or different parts (retention, a deleted capture) are asked.
   */
  private earlier: string[] | undefined
  private last: { key: string; parts: string; messages: KeptMessage[]; complete: boolean } | null =
    null

  constructor(
    private readonly store: () => CaptureStore | undefined,
    /** Epoch ms this run began: captures begun before it are earlier runs'. */
    private readonly since: number
  ) {}

  /**
   * The `count` messages from the `from`-th newest on (newest first), and whether the journal
   * holds older ones.
   */
  async newest(
    connection: string,
    topic: string,
    from: number,
    count: number
  ): Promise<{ messages: KeptMessage[]; more: boolean }> {
    const store = this.store()
    if (!store || count <= 0) return { messages: [], more: false }
    // Earlier runs' captures are known at the first ask; later ones all belong to this run.
    this.earlier ??= store
      .list()
      .filter((c) => c.startedAt < this.since)
      .map((c) => c.id)
    const earlier = this.earlier
    if (earlier.length === 0) return { messages: [], more: false }
    const parts = store.parts(earlier)
    const partsKey = parts.map((p) => `${p.file}:${p.bytes}`).join('\n')
    const key = `${connection}\u0000${topic}`
    const wanted = from + count + 1
    const last = this.last
    let messages: KeptMessage[]
    if (
      last &&
      last.key === key &&
      last.parts === partsKey &&
      (last.complete || last.messages.length >= wanted)
    ) {
      messages = last.messages
    } else {
      messages = (await recentMessages(parts, connection, topic, wanted)).reverse()
      this.last = { key, parts: partsKey, messages, complete: messages.length < wanted }
    }
    return { messages: messages.slice(from, from + count), more: messages.length > from + count }
  }
}
