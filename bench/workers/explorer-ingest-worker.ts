// One side of the explorer's ingest benchmark, in its own process.
//   bare: a plain mqtt.js subscriber to `<prefix>/#` that only counts
//   ours: the app's core (MonitorCore) subscribed to `<prefix>/#`: the topic tree and message
//         history, decoding, capture, batching, and both kinds of events encoded as serve
//         mode encodes them for the WebSocket
// Prints "ready", then {lastAt, received} once `count` messages arrived (or none came for 3 s).
import { encodeFrame } from '../../src/shared/frame-codec'
import { startBareSubscriber, startBenchCore } from './bench-core'

const [mode, portText, countText, prefix] = process.argv.slice(2)
const port = Number(portText)
const count = Number(countText)
let received = 0
let lastAt = 0
let root: number | undefined

const done = (): never => {
  console.log(JSON.stringify({ lastAt, received }))
  process.exit(0)
}
// Lost QoS 0 messages must not hang the run: stop once the stream has gone quiet.
setInterval(() => {
  if (received > 0 && Date.now() - lastAt > 3000) done()
}, 500)

if (mode === 'bare') {
  const client = await startBareSubscriber(port, `${prefix}/#`)
  client.on('message', () => {
    received++
    lastAt = Date.now()
    if (received === count) done()
  })
  console.log('ready')
} else {
  const core = await startBenchCore(port, `${prefix}/#`, 300)
  core.on('capture:batch', (batch) => {
    encodeFrame({ kind: 'event', channel: 'capture:batch', payload: batch })
  })
  core.on('topics:delta', (delta) => {
    encodeFrame({ kind: 'event', channel: 'topics:delta', payload: delta })
    // The connection's root counts every message the core took.
    root ??= delta.roots[0]?.id
    const i = root === undefined ? -1 : delta.ids.indexOf(root)
    if (i >= 0 && delta.messages[i] > received) {
      received = delta.messages[i]
      lastAt = Date.now()
      if (received >= count) done()
    }
  })
}
