// `npm run qshape -- /var/lib/mosquitto/mosquitto.db [-s] [-k N] [-b N] [-t MIN] [-l]
// [--interval SECONDS] [-n N]`: the queue-shape table of a Mosquitto persistence file, for
// administrators on the broker's host. Reads the file only (through a private copy).
import { pathToFileURL } from 'node:url'
import { qshapeOptionsSchema, type QshapeOptionsInput } from '../../shared/broker-types'
import { PersistenceFileError, readPersistenceFile } from '../core/broker/persistence-file'
import { qshapeResult } from '../core/broker/qshape'
import { formatQshape } from '../core/broker/qshape-text'

export const USAGE = `Usage: npm run qshape -- FILE [options]

Prints how many messages Mosquitto holds for each client and how old they are, from its
persistence file (mosquitto.db). Ask the broker to save first: kill -USR1 <pid>.

  -s              group by publisher client id instead of subscriber
  -k N            group by the first N topic levels
  -b N            number of age columns (default 10; the last is open-ended)
  -t MIN          age limit of the first column in minutes (default 1; decimals allowed)
  -l              linear columns (multiples of -t) instead of doubling
  --interval S    the message expiry interval (seconds) your publishers use; without it
                  ages are unknown (Mosquitto keeps only when a message expires)
  -n N            show the N largest rows (default 20; 0 shows all)
  -h, --help      this text`

export class UsageError extends Error {}

export function parseQshapeArgs(argv: readonly string[]): {
  file: string
  options: QshapeOptionsInput
} {
  const options: QshapeOptionsInput = {}
  let file: string | undefined
  const number = (flag: string, value: string | undefined): number => {
    const n = Number(value)
    if (value === undefined || value.trim() === '' || !Number.isFinite(n))
      throw new UsageError(`${flag} needs a number`)
    return n
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '-s') options.groupBy = 'publisher'
    else if (arg === '-l') options.linear = true
    else if (arg === '-k' || arg === '--levels') {
      options.groupBy = 'topic'
      options.topicLevels = number(arg, argv[++i])
    } else if (arg === '-b') options.buckets = number(arg, argv[++i])
    else if (arg === '-t') options.firstBucketMinutes = number(arg, argv[++i])
    else if (arg === '-n') options.top = number(arg, argv[++i])
    else if (arg === '--interval') options.intervalSeconds = number(arg, argv[++i])
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`)
    else if (file === undefined) file = arg
    else throw new UsageError(`one file only (got ${file} and ${arg})`)
  }
  if (file === undefined) throw new UsageError('no persistence file given')
  const checked = qshapeOptionsSchema.safeParse(options)
  if (!checked.success) {
    const issue = checked.error.issues[0]
    throw new UsageError(`bad value for ${issue.path.join('.')}: ${issue.message}`)
  }
  return { file, options }
}

export interface CliIo {
  out: (text: string) => void
  err: (text: string) => void
  now?: () => number
}

/** Runs the command; returns the exit code (0 read whole, 2 damaged but printed, 1 nothing). */
export async function runQshape(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.out(USAGE + '\n')
    return 0
  }
  let parsed
  try {
    parsed = parseQshapeArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.err(`qshape: ${error.message}\n${USAGE}\n`)
    return 1
  }
  try {
    const read = await readPersistenceFile(parsed.file)
    const options = qshapeOptionsSchema.parse(parsed.options)
    const result = qshapeResult(read, options, { now: io.now?.() ?? Date.now() })
    // A file refused at its header has no table to show; a damaged one shows what came before.
    if (result.problem && result.counts.chunks === 0) {
      io.err(`qshape: ${result.problem}\n`)
      return 1
    }
    io.out(formatQshape(result.table))
    for (const note of result.notes) io.err(`qshape: ${note}\n`)
    if (!result.problem) return 0
    io.err(`qshape: ${result.problem} The table shows what came before it.\n`)
    return 2
  } catch (error) {
    if (!(error instanceof PersistenceFileError)) throw error
    io.err(`qshape: ${error.message}\n`)
    return 1
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runQshape(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t)
  }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`qshape: ${(error as Error)?.message ?? String(error)}\n`)
      process.exitCode = 1
    }
  )
}
