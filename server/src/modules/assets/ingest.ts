import crypto from 'node:crypto'
import { once } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileTypeFromBuffer } from 'file-type'
import { refuse } from './inspect.js'
import { looksLikeSvg } from './svg.js'
import { kindOfMime } from './types.js'
import type { AssetKind } from '../../db/schema.js'

/** A file received into the temp directory: never held in memory, hashed on the way in. */
export interface Received {
  filePath: string
  size: number
  sha256: string
}

/** Bytes enough for content sniffing to name the type. */
const SNIFF_BYTES = 4100

/** A fresh temp file name under `<dataDir>/tmp` (same file system as local storage: moves are renames). */
export async function tempFile(tmpDir: string, suffix = ''): Promise<string> {
  await fs.promises.mkdir(tmpDir, { recursive: true })
  return path.join(tmpDir, `${crypto.randomUUID()}${suffix}`)
}

/** The kind the first bytes announce, for an early size verdict (the full inspection comes later). */
export async function sniffKind(head: Buffer): Promise<AssetKind | null> {
  if (looksLikeSvg(head)) return 'image'
  const type = await fileTypeFromBuffer(head).catch(() => undefined)
  return type ? kindOfMime(type.mime) : null
}

/**
 * Streams `source` to a temp file while hashing it. `limitFor` is asked once the first bytes are
 * in (so a 3 GB "picture" is stopped after 50 MB, not after 3 GB); passing the limit aborts the
 * upload with 413 and removes the partial file.
 */
export async function receive(source: Readable, { tmpDir, maxBytes, limitFor }: {
  tmpDir: string
  maxBytes: number
  limitFor: (kind: AssetKind | null) => number
}): Promise<Received> {
  const filePath = await tempFile(tmpDir, '.upload')
  const hash = crypto.createHash('sha256')
  let size = 0
  let limit = maxBytes
  let head: Buffer | null = Buffer.alloc(0)
  const decideLimit = async () => {
    const kind = await sniffKind(head!)
    limit = Math.min(maxBytes, limitFor(kind))
    head = null
  }
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length
      hash.update(chunk)
      const check = () => (size > limit ? done(tooLarge(limit)) : done(null, chunk))
      if (head !== null) {
        head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)])
        if (head.length >= SNIFF_BYTES) return void decideLimit().then(check, done)
      }
      check()
    },
    flush(done) {
      if (head !== null) decideLimit().then(() => done(size > limit ? tooLarge(limit) : null), done)
      else done()
    },
  })
  const out = fs.createWriteStream(filePath)
  try {
    await pipeline(source, meter, out)
  } catch (error) {
    // The file may still be opening when the pipeline fails: remove it only once it is closed.
    if (!out.closed) await once(out, 'close').catch(() => {})
    await fs.promises.rm(filePath, { force: true })
    // The multipart reader reports its own overall limit as a 413 of its own.
    if ((error as { statusCode?: number }).statusCode === 413) throw tooLarge(maxBytes)
    throw error
  }
  return { filePath, size, sha256: hash.digest('hex') }
}

export function tooLarge(limit: number): Error {
  return refuse('ASSET_TOO_LARGE', 'too-large', `文件超过此类素材的大小上限 ${limit} 字节`)
}

/** Hashes a file already on disk (a completed resumable upload), streaming. */
export async function hashFile(filePath: string): Promise<{ sha256: string; size: number }> {
  const hash = crypto.createHash('sha256')
  let size = 0
  for await (const chunk of fs.createReadStream(filePath, { highWaterMark: 1 << 20 })) {
    size += (chunk as Buffer).length
    hash.update(chunk as Buffer)
  }
  return { sha256: hash.digest('hex'), size }
}
