// One side of the Sparkplug ingest benchmark, in its own process so neither warms the other's JIT.
//   bare: a plain mqtt.js subscriber that decodes each payload with protobufjs and counts
//   ours: the app's core (MonitorCore): decode, Sparkplug state, capture, journal, batching,
//         frame encoding, with the default decoding (Sparkplug recognised from the topic)
// Prints "ready", then a JSON line {lastAt} (epoch ms of the N-th DDATA message) when done.
import { sparkplugPayloadType } from '../../src/main/core/decode/sparkplug/sparkplug-payload'
import { encodeFrame } from '../../src/shared/frame-codec'
import { startBareSubscriber, startBenchCore } from './bench-core'

const [mode, portText, countText, group] = process.argv.slice(2)
const port = Number(portText)
const count = Number(countText)
const dataTopic = `spBv1.0/${group}/DDATA/Edge/Device`

const done = (lastAt: number): never => {
  console.log(JSON.stringify({ lastAt }))
  process.exit(0)
}

if (mode === 'bare') {
  const Payload = sparkplugPayloadType()
  const client = await startBareSubscriber(port, `spBv1.0/${group}/#`)
  let n = 0
  let metrics = 0
  client.on('message', (topic, payload) => {
    metrics += (Payload.decode(payload) as unknown as { metrics: unknown[] }).metrics.length
    if (topic === dataTopic && ++n === count) {
      if (metrics < 0) console.error(metrics)
      done(Date.now())
    }
  })
  console.log('ready')
} else {
  const core = await startBenchCore(port, `spBv1.0/${group}/#`)
  // What serve mode does with every batch: encode it for the WebSocket.
  core.on('capture:batch', (batch) => {
    encodeFrame({ kind: 'event', channel: 'capture:batch', payload: batch })
    const i = batch.topics.topic.indexOf(dataTopic)
    if (i >= 0 && batch.topics.messages[i] >= count) done(Date.now())
  })
}
