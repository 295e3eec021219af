import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { FILE_HEADER_BYTES } from './persistence-format'
import {
  checkHeader,
  emptyContents,
  parsePersistence,
  type ByteSource,
  type PersistenceContents
} from './persistence-reader'

const WINDOW_BYTES = 1024 * 1024

/** Reads a file through one reused window, so a chunk costs a copy only when it spans windows. */
export class FileSource implements ByteSource {
  private window = new Uint8Array(0)
  private windowStart = 0

  constructor(
    private readonly handle: fs.promises.FileHandle,
    readonly size: number
  ) {}

  async read(position: number, length: number): Promise<Uint8Array> {
    const offset = position - this.windowStart
    if (offset >= 0 && offset + length <= this.window.length)
      return this.window.subarray(offset, offset + length)
    // Callers never ask past the end, so this is bounded by the file, never by a header's claim.
    const want = Math.min(Math.max(WINDOW_BYTES, length), this.size - position)
    const buffer = want <= this.window.byteLength ? this.window : new Uint8Array(want)
    const { bytesRead } = await this.handle.read(buffer, 0, want, position)
    if (bytesRead < length)
      throw new Error(`the file shrank while being read (at byte ${position})`)
    this.window = buffer.subarray(0, bytesRead)
    this.windowStart = position
    return this.window.subarray(0, length)
  }
}

export interface PersistenceRead {
  file: string
  /** The file's modification time (epoch ms): when the broker saved it. */
  savedAt: number
  sizeBytes: number
  contents: PersistenceContents
}

/** A reason in plain words for a file that cannot be opened at all. */
export class PersistenceFileError extends Error {}

function openError(file: string, error: unknown): PersistenceFileError {
  const code = (error as NodeJS.ErrnoException)?.code
  const reason =
    code === 'ENOENT'
      ? 'there is no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied (the broker keeps it readable by its own user only; run as that user or root)'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : ((error as Error)?.message ?? String(error))
  return new PersistenceFileError(`Cannot read ${file}: ${reason}.`)
}

/**
 * Reads a persistence file without touching it: opened read-only, checked to be a Mosquitto
 * file, copied whole to a private temporary file (so the broker can replace it at once — on
 * Windows an open file cannot be removed — and the copy is one consistent save), parsed from
 * the copy, and the copy deleted. The copy holds payloads: it is readable by this user only.
 */
export async function readPersistenceFile(
  file: string,
  options: { tmpDir?: string } = {}
): Promise<PersistenceRead> {
  const resolved = path.resolve(file)
  let handle: fs.promises.FileHandle
  try {
    handle = await fs.promises.open(resolved, 'r')
  } catch (error) {
    throw openError(resolved, error)
  }
  let stat: fs.Stats
  let copyDir: string | null = null
  try {
    stat = await handle.stat()
    if (stat.isDirectory()) throw openError(resolved, { code: 'EISDIR' })
    // Check the header on the original first: no copy of a file that is not a broker's.
    const head = new Uint8Array(Math.min(stat.size, FILE_HEADER_BYTES))
    await handle.read(head, 0, head.length, 0)
    const checked = checkHeader(head, stat.size)
    if (checked.problem) {
      await handle.close()
      const contents = { ...emptyContents(), ...checked }
      return { file: resolved, savedAt: stat.mtimeMs, sizeBytes: stat.size, contents }
    }
    copyDir = await fs.promises.mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), 'mlm-qshape-'))
    const copy = path.join(copyDir, 'mosquitto.db')
    await pipeline(
      handle.createReadStream({ start: 0, autoClose: false }),
      fs.createWriteStream(copy, { mode: 0o600 })
    )
  } catch (error) {
    await handle.close()
    if (copyDir) await fs.promises.rm(copyDir, { recursive: true, force: true })
    if (error instanceof PersistenceFileError) throw error
    throw openError(resolved, error)
  }
  await handle.close()
  try {
    const copy = path.join(copyDir, 'mosquitto.db')
    const copyHandle = await fs.promises.open(copy, 'r')
    try {
      const { size } = await copyHandle.stat()
      const contents = await parsePersistence(new FileSource(copyHandle, size))
      return { file: resolved, savedAt: stat.mtimeMs, sizeBytes: size, contents }
    } finally {
      await copyHandle.close()
    }
  } finally {
    await fs.promises.rm(copyDir, { recursive: true, force: true })
  }
}
