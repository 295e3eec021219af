import * as zlib from 'node:zlib'

// zlib.crc32 is native from Node 22.2 (Electron has it); Node 20 uses the table below.
const native = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32

const TABLE = (() => {
  const table = new Int32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c
  }
  return table
})()

export function crc32(data: Uint8Array, start = 0, end = data.byteLength): number {
  if (native)
    return native(start === 0 && end === data.byteLength ? data : data.subarray(start, end))
  let crc = -1
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8)
  return (crc ^ -1) >>> 0
}
