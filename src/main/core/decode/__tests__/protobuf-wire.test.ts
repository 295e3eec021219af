// The direct reader of fixed-shape protobuf messages against protobufjs and the plan on the
// same bytes: whenever the reader accepts a payload, the row values (every scalar type, nested
// messages sent or not, implicit zeros and fields with presence) and the timestamp equal what
// protobufjs and ProtobufPlan make of it; whenever protobufjs refuses a payload, so does it.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import { FieldCollector } from '../field-rows'
import { longToNumber } from '../protobuf-long'
import { ProtobufPlan } from '../protobuf-plan'
import { ProtobufWire } from '../protobuf-wire'

function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SCALARS = [
  'double',
  'float',
  'int32',
  'uint32',
  'sint32',
  'fixed32',
  'sfixed32',
  'int64',
  'uint64',
  'sint64',
  'fixed64',
  'sfixed64',
  'bool'
]

function load(syntax: 'proto2' | 'proto3'): protobuf.Type {
  const label = syntax === 'proto2' ? 'optional ' : ''
  const scalars = SCALARS.map((t, i) => `  ${label}${t} f_${t} = ${i + 1};`).join('\n')
  const text = `syntax = "${syntax}";
enum Mode { ${syntax === 'proto3' ? 'M0 = 0; ' : ''}M1 = 1; M2 = 2; }
message Inner { ${label}float rh = 1; ${label}uint32 battery = 2; ${label}Deep deep = 3; }
message Deep { ${label}sint64 d = 1; }
message Top {
  ${label}int64 ts = 20;
${scalars}
  ${label}string id = 30;
  ${label}bytes raw = 31;
  ${label}Inner inner = 32;
  ${label}Mode mode = 33;
  ${syntax === 'proto3' ? 'optional ' : label}double opt = 34;
}
`
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proto-wire-'))
  const file = path.join(dir, 'top.proto')
  fs.writeFileSync(file, text)
  const root = protobuf.loadSync(file)
  root.resolveAll()
  fs.rmSync(dir, { recursive: true, force: true })
  return root.lookupType('Top')
}

function value(type: string, r: () => number): unknown {
  const big = () => Math.floor(r() * 2 ** 53) * (r() < 0.2 ? 2048 : 1)
  const zero = r() < 0.15
  switch (type) {
    case 'double':
      return zero ? (r() < 0.5 ? 0 : -0) : (r() - 0.5) * 10 ** Math.floor(r() * 10)
    case 'float':
      return zero ? 0 : (r() - 0.5) * 10 ** Math.floor(r() * 6)
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return zero ? 0 : Math.floor((r() - 0.5) * 2 ** 32)
    case 'uint32':
    case 'fixed32':
      return zero ? 0 : Math.floor(r() * 2 ** 32)
    case 'bool':
      return r() < 0.5
    case 'uint64':
    case 'fixed64':
      return zero ? 0 : big()
    default:
      return zero ? 0 : (r() < 0.5 ? -1 : 1) * big()
  }
}

function payload(type: protobuf.Type, r: () => number): Uint8Array {
  const o: Record<string, unknown> = {}
  for (const t of SCALARS) if (r() < 0.7) o[`f_${t}`] = value(t, r)
  if (r() < 0.7) o.ts = 1700000000000 + Math.floor(r() * 1e6)
  if (r() < 0.5) o.id = r() < 0.8 ? 'esp32-01' : 'caf\u00e9'
  if (r() < 0.3) o.raw = [1, 2, 3]
  if (r() < 0.6) {
    const inner: Record<string, unknown> = {}
    if (r() < 0.7) inner.rh = value('float', r)
    if (r() < 0.7) inner.battery = value('uint32', r)
    if (r() < 0.4) inner.deep = r() < 0.7 ? { d: value('sint64', r) } : {}
    o.inner = inner
  }
  if (r() < 0.5) o.mode = r() < 0.5 ? 1 : 2
  if (r() < 0.5) o.opt = value('double', r)
  let bytes = type.encode(type.fromObject(o)).finish()
  const twist = r()
  if (twist < 0.1)
    bytes = Uint8Array.from([...bytes, 0xb8, 0x0f, 1]) // unknown field 247
  else if (twist < 0.25) bytes = bytes.subarray(0, Math.floor(r() * bytes.length))
  else if (twist < 0.4 && bytes.length > 0) {
    bytes = Uint8Array.from(bytes)
    bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256)
  }
  return bytes
}

function check(syntax: 'proto2' | 'proto3', seed: number): number {
  const type = load(syntax)
  const plan = new ProtobufPlan(type, 'ts')
  const wire = new ProtobufWire(type, 'ts', plan.fixed.length)
  expect(wire.supported).toBe(true)
  const r = random(seed)
  let taken = 0
  for (let i = 0; i < 3000; i++) {
    const bytes = payload(type, r)
    let message: Record<string, unknown> | null
    try {
      message = type.decode(bytes) as unknown as Record<string, unknown>
    } catch {
      message = null
    }
    const direct: number[] = []
    const read = wire.read(bytes, direct)
    if (!message) {
      expect(read).toBe(false)
      continue
    }
    if (!read) continue
    taken++
    const expected: number[] = []
    plan.read(message, expected, new FieldCollector())
    expect(direct).toEqual(expected)
    const tsSent = Object.hasOwn(message, 'ts')
    const ts = syntax === 'proto2' && !tsSent ? undefined : longToNumber(message.ts)
    expect(wire.timestamp).toEqual(ts)
  }
  return taken
}

describe('protobuf messages of a fixed shape read directly', () => {
  it('agree with protobufjs for every scalar type, nested messages and implicit zeros (proto3)', () => {
    expect(check('proto3', 11)).toBeGreaterThan(1000)
  })

  it('agree with protobufjs for fields with presence (proto2)', () => {
    expect(check('proto2', 12)).toBeGreaterThan(1000)
  })

  it('leave repeated fields, maps and oneofs to protobufjs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proto-wire-'))
    const file = path.join(dir, 'odd.proto')
    fs.writeFileSync(
      file,
      'syntax = "proto3";\nmessage A { repeated double v = 1; }\nmessage B { map<string, double> m = 1; }\nmessage C { oneof x { double a = 1; float b = 2; } }\n'
    )
    const root = protobuf.loadSync(file)
    root.resolveAll()
    fs.rmSync(dir, { recursive: true, force: true })
    for (const name of ['A', 'B', 'C']) {
      const type = root.lookupType(name)
      expect(
        new ProtobufWire(type, null, new ProtobufPlan(type, null).fixed.length).supported
      ).toBe(false)
    }
  })
})
