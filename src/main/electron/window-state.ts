import * as fs from 'node:fs'
import * as path from 'node:path'
import { screen, type BrowserWindow } from 'electron'
import { z } from 'zod'

const stateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(200).max(32000),
  height: z.number().int().min(200).max(32000),
  maximized: z.boolean().default(false)
})
export type WindowState = z.infer<typeof stateSchema>

/** How much of the title bar must be on some screen for a saved position to be reused. */
const MIN_VISIBLE = 64

/**
 * The size and position the window had when last closed (`window-state.json` in userData).
 * A damaged file is ignored; a position on a screen that is gone is dropped, keeping the size.
 */
export function loadWindowState(file: string): WindowState | null {
  let parsed: WindowState
  try {
    parsed = stateSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')))
  } catch {
    return null
  }
  if (parsed.x === undefined || parsed.y === undefined) return parsed
  const { x, y, width } = parsed
  const visible = screen.getAllDisplays().some(({ workArea: a }) => {
    const overlap = Math.min(x + width, a.x + a.width) - Math.max(x, a.x)
    return overlap >= MIN_VISIBLE && y >= a.y && y < a.y + a.height - MIN_VISIBLE / 2
  })
  return visible
    ? parsed
    : { width: parsed.width, height: parsed.height, maximized: parsed.maximized }
}

export function saveWindowState(file: string, state: WindowState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const tmp = `${file}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(state))
  fs.renameSync(tmp, file)
}

/** Remembers the window's bounds as it moves (debounced) and when it closes. */
export function trackWindowState(win: BrowserWindow, file: string, delayMs = 500): void {
  let timer: NodeJS.Timeout | undefined
  const save = (): void => {
    clearTimeout(timer)
    if (win.isDestroyed()) return
    const maximized = win.isMaximized()
    const bounds = maximized ? win.getNormalBounds() : win.getBounds()
    try {
      saveWindowState(file, { ...bounds, maximized })
    } catch (error) {
      console.error('Could not remember the window size', error)
    }
  }
  const later = (): void => {
    clearTimeout(timer)
    timer = setTimeout(save, delayMs)
  }
  win.on('resize', later)
  win.on('move', later)
  win.on('maximize', later)
  win.on('unmaximize', later)
  win.on('close', save)
}
