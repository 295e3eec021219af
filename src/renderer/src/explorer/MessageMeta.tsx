import type { TopicMessage } from '../../../shared/topic-types'
import { fmtBytes, fmtClock } from './format'
import { hexString } from './hex-dump'

/** A message's metadata and MQTT 5 properties, as a description list of plain text. */
export function MessageMeta({ message: m }: { message: TopicMessage }): React.JSX.Element {
  const p = m.props
  return (
    <div className="message-meta">
      <dl aria-label="Message details">
        {/* The journal keeps a message's capture time: its reading's timestamp when it had one. */}
        <dt>{m.fromJournal ? 'Captured at' : 'Received'}</dt>
        <dd>
          {new Date(m.at).toLocaleDateString()} {fmtClock(m.at)}
        </dd>
        {m.fromJournal ? (
          <>
            <dt>Kept</dt>
            <dd>
              in the capture journal, from an earlier run (QoS, retain flag and properties not kept)
            </dd>
          </>
        ) : (
          <>
            <dt>QoS</dt>
            <dd>{m.qos}</dd>
            <dt>Retained</dt>
            <dd>{m.retain ? 'yes' : 'no'}</dd>
          </>
        )}
        {m.dup && (
          <>
            <dt>Duplicate</dt>
            <dd>yes (sent again by the broker)</dd>
          </>
        )}
        <dt>Size</dt>
        <dd>
          {m.size.toLocaleString('en-US')} bytes{m.size >= 1024 ? ` (${fmtBytes(m.size)})` : ''}
          {m.truncatedFrom !== undefined &&
            ` kept of ${m.truncatedFrom.toLocaleString('en-US')} (the journal keeps the first bytes of larger payloads)`}
        </dd>
        {p?.contentType !== undefined && (
          <>
            <dt>Content type</dt>
            <dd>{p.contentType}</dd>
          </>
        )}
        {p?.payloadFormat !== undefined && (
          <>
            <dt>Payload format</dt>
            <dd>{p.payloadFormat === 1 ? 'UTF-8 text (1)' : 'unspecified bytes (0)'}</dd>
          </>
        )}
        {p?.expirySeconds !== undefined && (
          <>
            <dt>Message expiry</dt>
            <dd>{p.expirySeconds.toLocaleString('en-US')} s</dd>
          </>
        )}
        {p?.responseTopic !== undefined && (
          <>
            <dt>Response topic</dt>
            <dd>{p.responseTopic}</dd>
          </>
        )}
        {p?.correlationData !== undefined && (
          <>
            <dt>Correlation data</dt>
            <dd className="mono">{hexString(p.correlationData) || '(empty)'}</dd>
          </>
        )}
        {p?.subscriptionIds !== undefined && (
          <>
            <dt>Subscription identifiers</dt>
            <dd>{p.subscriptionIds.join(', ')}</dd>
          </>
        )}
      </dl>
      {p?.userProperties && p.userProperties.length > 0 && (
        <table className="user-props">
          <caption>User properties</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {p.userProperties.map(([k, v], i) => (
              <tr key={i}>
                <td>{k}</td>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
