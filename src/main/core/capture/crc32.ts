// CRC-32 (the zlib polynomial) over a range of a buffer, slicing by four bytes. Journal
// records are small: a call into zlib.crc32 per record (with its subarray) costs more than this.

const TABLES = (() => {
  const t = [new Int32Array(256), new Int32Array(256), new Int32Array(256), new Int32Array(256)]
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[0][n] = c
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 4; k++) t[k][n] = t[0][t[k - 1][n] & 0xff] ^ (t[k - 1][n] >>> 8)
  }
  return t
})()
const [T0, T1, T2, T3] = TABLES

export function crc32(data: Uint8Array, start = 0, end = data.byteLength): number {
  let c = -1
  let i = start
  for (; i + 4 <= end; i += 4) {
    c ^= data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
    c = T3[c & 0xff] ^ T2[(c >>> 8) & 0xff] ^ T1[(c >>> 16) & 0xff] ^ T0[c >>> 24]
  }
  for (; i < end; i++) c = T0[(c ^ data[i]) & 0xff] ^ (c >>> 8)
  return (c ^ -1) >>> 0
}
