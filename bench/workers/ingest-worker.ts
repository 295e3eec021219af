// One side of the ingest benchmark, in its own process so neither side warms the other's JIT.
//   bare: a plain mqtt.js subscriber that only counts
//   ours: the app's core (MonitorCore): decode, capture, journal, batching, frame encoding
// Prints "ready", then a JSON line {lastAt} (epoch ms of the N-th message) when done.
import { encodeFrame } from '../../src/shared/frame-codec'
import { startBareSubscriber, startBenchCore } from './bench-core'

const [mode, portText, countText, topic] = process.argv.slice(2)
const port = Number(portText)
const count = Number(countText)

const done = (lastAt: number): never => {
  console.log(JSON.stringify({ lastAt }))
  process.exit(0)
}

if (mode === 'bare') {
  const client = await startBareSubscriber(port, topic)
  let n = 0
  client.on('message', () => {
    if (++n === count) done(Date.now())
  })
  console.log('ready')
} else {
  const core = await startBenchCore(port, topic)
  // What serve mode does with every batch: encode it for the WebSocket.
  core.on('capture:batch', (batch) => {
    encodeFrame({ kind: 'event', channel: 'capture:batch', payload: batch })
    const i = batch.topics.topic.indexOf(topic)
    if (i >= 0 && batch.topics.messages[i] >= count) done(Date.now())
  })
}
