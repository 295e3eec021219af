// Whether a payload reads as text: UTF-8 without control characters (tabs and line breaks
// aside). The tree's preview, the inspector's views and Copy all decide by this one rule.

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function payloadText(payload: Uint8Array): string | null {
  let text: string
  try {
    text = utf8.decode(payload)
  } catch {
    return null
  }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? null : text
}
