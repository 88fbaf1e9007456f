import fs from 'node:fs'

/**
 * Where a picture's own bytes end, found by walking its structure. Bytes after that end are
 * how polyglots are made (a JPEG that is also a ZIP, a PNG followed by HTML); an end that is
 * never reached means the file was cut short.
 */
export type ImageEnd = { end: number } | { isTruncated: true }

const CHUNK = 1 << 20

/** Reads `length` bytes at `position` (fewer at the end of the file). */
export async function readAt(file: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length)
  const { bytesRead } = await file.read(buffer, 0, length, position)
  return buffer.subarray(0, bytesRead)
}

/** JPEG: segments up to the scan, then entropy-coded data scanned for markers until EOI. */
async function jpegEnd(file: fs.promises.FileHandle, size: number): Promise<ImageEnd> {
  let pos = 2
  let inScan = false
  while (pos < size) {
    if (inScan) {
      // Stream through the scan data a chunk at a time looking for a marker that is not a
      // stuffed 0xFF00 or a restart marker.
      const chunk = await readAt(file, pos, CHUNK)
      if (chunk.length < 2) return { isTruncated: true }
      let i = 0
      for (; i < chunk.length - 1; i++) {
        if (chunk[i] !== 0xff) continue
        const next = chunk[i + 1]
        if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) continue
        break
      }
      if (i >= chunk.length - 1) {
        pos += Math.max(1, chunk.length - 1)
        continue
      }
      pos += i
      inScan = false
      continue
    }
    const head = await readAt(file, pos, 4)
    if (head.length < 2 || head[0] !== 0xff) return { isTruncated: true }
    const marker = head[1]
    if (marker === 0xd9) return { end: pos + 2 }
    if (marker === 0xff) {
      pos += 1
      continue
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2
      continue
    }
    if (head.length < 4) return { isTruncated: true }
    const length = head.readUInt16BE(2)
    pos += 2 + length
    if (marker === 0xda) inScan = true
  }
  return { isTruncated: true }
}

/** PNG: length-prefixed chunks until IEND and its CRC. */
async function pngEnd(file: fs.promises.FileHandle, size: number): Promise<ImageEnd> {
  let pos = 8
  while (pos + 8 <= size) {
    const head = await readAt(file, pos, 8)
    const length = head.readUInt32BE(0)
    const type = head.toString('latin1', 4, 8)
    pos += 12 + length
    if (type === 'IEND') return pos <= size ? { end: pos } : { isTruncated: true }
  }
  return { isTruncated: true }
}

/** WebP: the RIFF header states the length. */
async function webpEnd(file: fs.promises.FileHandle, size: number): Promise<ImageEnd> {
  const head = await readAt(file, 0, 12)
  const end = 8 + head.readUInt32LE(4) + (head.readUInt32LE(4) % 2)
  return end <= size ? { end } : { isTruncated: true }
}

/** The structural end of a JPEG, PNG or WebP; null for formats not walked here. */
export async function imageEnd(filePath: string, mime: string): Promise<ImageEnd | null> {
  const walk = { 'image/jpeg': jpegEnd, 'image/png': pngEnd, 'image/webp': webpEnd }[mime]
  if (!walk) return null
  const file = await fs.promises.open(filePath, 'r')
  try {
    return await walk(file, (await file.stat()).size)
  } finally {
    await file.close()
  }
}

/** Signatures of other formats that make a file a polyglot when found where they do not belong. */
const foreignSignatures: Array<[name: string, bytes: Buffer]> = [
  ['zip', Buffer.from('PK\x03\x04', 'latin1')],
  ['zip', Buffer.from('PK\x05\x06', 'latin1')],
  ['pdf', Buffer.from('%PDF-')],
  ['rar', Buffer.from('Rar!\x1a\x07', 'latin1')],
  ['7z', Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])],
  ['elf', Buffer.from('\x7fELF', 'latin1')],
  ['exe', Buffer.from('This program cannot be run')],
]

const markupPattern = /<(?:script|html|body|iframe|object|embed|svg|\?php|!doctype\s+html|meta\s+http-equiv)[\s>/]/i

/** The first foreign signature or markup found in `bytes`, or null. */
export function foreignContent(bytes: Buffer): string | null {
  for (const [name, signature] of foreignSignatures) if (bytes.includes(signature)) return name
  if (markupPattern.test(bytes.toString('latin1'))) return 'html'
  return null
}

/**
 * The last 64 KiB + 22 bytes of a file: a ZIP's end-of-central-directory must lie there, so a
 * file whose tail holds one can be opened as an archive whatever its head says.
 */
export async function hasZipDirectoryInTail(filePath: string, size: number): Promise<boolean> {
  const length = Math.min(size, 65_557)
  const file = await fs.promises.open(filePath, 'r')
  try {
    const tail = await readAt(file, size - length, length)
    return tail.includes(Buffer.from('PK\x05\x06', 'latin1'))
  } finally {
    await file.close()
  }
}

/** The head of a file: browsers sniff HTML from the first bytes, so markup there is refused. */
export async function readHead(filePath: string, length = 4100): Promise<Buffer> {
  const file = await fs.promises.open(filePath, 'r')
  try {
    return await readAt(file, 0, length)
  } finally {
    await file.close()
  }
}

/** Reads up to `length` bytes of a file from `start` (the trailing data of a picture). */
export async function readRange(filePath: string, start: number, length: number): Promise<Buffer> {
  const file = await fs.promises.open(filePath, 'r')
  try {
    return await readAt(file, start, length)
  } finally {
    await file.close()
  }
}
