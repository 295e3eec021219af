// Encoders that are not ours, for decoder tests: Python's struct and Debian's python3-cbor2,
// python3-msgpack and python3-protobuf (with protoc from protobuf-compiler), run as
// subprocesses. Debian's interpreter, not the python3 on PATH, which may be a pyenv build
// without Debian's modules.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export const SYSTEM_PYTHON = '/usr/bin/python3'
const PACKAGES = 'python3-cbor2 python3-msgpack python3-protobuf protobuf-compiler'

/** Whether the encoders are installed; `reason` says what to install when they are not. */
export function pythonEncodersAvailable(): { ok: true } | { ok: false; reason: string } {
  if (!existsSync(SYSTEM_PYTHON))
    return { ok: false, reason: `${SYSTEM_PYTHON} is missing (apt-get install ${PACKAGES})` }
  const modules = spawnSync(
    SYSTEM_PYTHON,
    ['-c', 'import struct, cbor2, msgpack, google.protobuf'],
    {
      encoding: 'utf8'
    }
  )
  if (modules.status !== 0)
    return {
      ok: false,
      reason: `${SYSTEM_PYTHON} lacks a module (${modules.stderr.trim().split('\n').pop()}; apt-get install ${PACKAGES})`
    }
  const protoc = spawnSync('protoc', ['--version'], { encoding: 'utf8' })
  if (protoc.status !== 0)
    return { ok: false, reason: `protoc is missing (apt-get install ${PACKAGES})` }
  return { ok: true }
}

/** Runs a Python script (with `PYTHONPATH` = `path` when given) and returns what it printed. */
export function runPython(script: string, path?: string): string {
  return execFileSync(SYSTEM_PYTHON, ['-c', script], {
    encoding: 'utf8',
    env: { ...process.env, ...(path ? { PYTHONPATH: path } : {}) },
    maxBuffer: 64 * 1024 * 1024
  })
}

/** Compiles a .proto for Python into `outDir` (module `<name>_pb2`). */
export function protocForPython(protoDir: string, protoFile: string, outDir: string): void {
  execFileSync('protoc', [`-I${protoDir}`, `--python_out=${outDir}`, protoFile])
}
