import fs from 'node:fs'
import { fileTypeFromFile } from 'file-type'
import sharp, { type Metadata, type Sharp } from 'sharp'
import yauzl from 'yauzl'
import type { AssetKind } from '../../db/schema.js'
import { AppError, type ErrorCode } from '../../kernel/errors.js'
import { readExif, type ExifFacts } from './exif.js'
import { foreignContent, hasZipDirectoryInTail, imageEnd, readHead, readRange } from './structure.js'
import { looksLikeSvg, svgProblem } from './svg.js'
import { claimedKind, isClaimCompatible, kindOfMime, zipDocuments } from './types.js'

/** What inspection learned about an accepted file. */
export interface Inspection {
  kind: AssetKind
  mimeType: string
  width: number | null
  height: number | null
  exif: ExifFacts | null
  /** 64-bit difference hash as a signed decimal string (Postgres bigint). */
  phash: string | null
  /** Bytes after a picture's own end that carry nothing foreign (kept, never served). */
  trailingBytes: number
}

/** Refuses a file: a problem+json naming the reason, on the `file` field. */
export function refuse(code: ErrorCode, reason: string, message: string): AppError {
  return new AppError(code, message, { errors: [{ field: 'file', message }], extra: { reason } })
}

/** Zip-based documents are refused when they expand past this, or by more than the ratio. */
const ZIP_MAX_EXPANDED = 1024 * 1024 * 1024
const ZIP_MAX_RATIO = 100
const ZIP_MAX_ENTRIES = 10_000

/** Reads a zip's central directory (no decompression) and refuses a decompression bomb. */
async function checkZipDocument(filePath: string, size: number): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(filePath, { lazyEntries: true, autoClose: true }, (error, z) => (error ? reject(error) : resolve(z!)))
  }).catch(() => { throw refuse('ASSET_CORRUPT', 'corrupt-archive', '文档结构损坏，无法读取') })
  let expanded = 0
  let entries = 0
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      expanded += entry.uncompressedSize
      entries++
      if (entries > ZIP_MAX_ENTRIES || expanded > ZIP_MAX_EXPANDED || expanded > Math.max(size, 1) * ZIP_MAX_RATIO) {
        zip.close()
        reject(refuse('ASSET_DECOMPRESSION_BOMB', 'decompression-bomb', `文档解压后达 ${expanded} 字节（${entries} 个部件），远超其大小，疑为压缩炸弹`))
        return
      }
      zip.readEntry()
    })
    zip.on('end', () => resolve())
    zip.on('error', () => reject(refuse('ASSET_CORRUPT', 'corrupt-archive', '文档结构损坏，无法读取')))
    zip.readEntry()
  })
}

/** dHash: 9×8 greyscale, one bit per horizontal neighbour comparison; decoding also proves the image whole. */
async function differenceHash(image: Sharp): Promise<string> {
  const pixels = await image.rotate().greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer()
  let hash = 0n
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) hash = (hash << 1n) | (pixels[y * 9 + x] > pixels[y * 9 + x + 1] ? 1n : 0n)
  }
  return BigInt.asIntN(64, hash).toString()
}

/** Pictures: pixel limit from the header before any decoding, structure, then a bounded trial decode. */
async function inspectImage(filePath: string, mime: string, maxPixels: number): Promise<Omit<Inspection, 'kind' | 'mimeType'>> {
  const options = { limitInputPixels: maxPixels, failOn: 'error' as const }
  let meta: Metadata
  try {
    // metadata() reads headers only: a 100,000 × 100,000 bomb is measured, never decoded.
    meta = await sharp(filePath, { ...options, limitInputPixels: false }).metadata()
  } catch {
    throw refuse('ASSET_CORRUPT', 'unreadable-image', '图片头部无法读取，文件可能已损坏或被截断')
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0
  const height = meta.autoOrient?.height ?? meta.height ?? 0
  if (!width || !height) throw refuse('ASSET_CORRUPT', 'no-dimensions', '图片没有有效的尺寸')
  if (width * height > maxPixels) {
    throw refuse('ASSET_PIXELS_EXCEEDED', 'too-many-pixels', `图片为 ${width}×${height}（${width * height} 像素），超过上限 ${maxPixels} 像素`)
  }
  let trailingBytes = 0
  const end = await imageEnd(filePath, mime)
  if (end && 'isTruncated' in end) throw refuse('ASSET_CORRUPT', 'truncated', '图片数据不完整（文件被截断）')
  if (end) {
    const size = (await fs.promises.stat(filePath)).size
    trailingBytes = size - end.end
    if (trailingBytes > 0) {
      const foreign = foreignContent(await readRange(filePath, end.end, Math.min(trailingBytes, 1024 * 1024)))
      if (foreign) throw refuse('ASSET_POLYGLOT', `trailing-${foreign}`, `图片结尾之后附带了 ${foreign} 数据（多重格式文件），已拒绝`)
    }
  }
  let phash: string | null = null
  if (mime !== 'image/heic' && mime !== 'image/heif') {
    try {
      phash = await differenceHash(sharp(filePath, options))
    } catch {
      throw refuse('ASSET_CORRUPT', 'undecodable', '图片无法解码，文件已损坏')
    }
  }
  return { width, height, exif: readExif(meta.exif), phash, trailingBytes }
}

/**
 * Decides from the bytes alone what a stored temp file is, and refuses what must not enter the
 * library, naming the reason: unknown or forbidden type (415), a type that contradicts the
 * name or declared type (415), hostile structure (422). Never trusts the client's claims.
 */
export async function inspectFile({ filePath, size, declaredType, filename, maxPixels }: {
  filePath: string; size: number; declaredType: string; filename: string; maxPixels: number
}): Promise<Inspection> {
  if (size === 0) throw refuse('ASSET_TYPE_UNSUPPORTED', 'empty', '文件为空')
  const head = await readHead(filePath)
  let mime: string
  if (looksLikeSvg(head)) {
    mime = 'image/svg+xml'
    if (size > 5 * 1024 * 1024) throw refuse('ASSET_TOO_LARGE', 'svg-too-large', 'SVG 文件不能超过 5 MB')
    const problem = svgProblem(await fs.promises.readFile(filePath, 'utf8'))
    if (problem) throw refuse('ASSET_SVG_UNSAFE', 'svg-unsafe', `${problem}；出于安全考虑已拒绝`)
  } else {
    const detected = await fileTypeFromFile(filePath).catch(() => undefined)
    if (!detected) throw refuse('ASSET_TYPE_UNSUPPORTED', 'unknown-type', '无法从文件内容识别类型，只接受图片、音频、视频和文档')
    mime = detected.mime
  }
  const kind = kindOfMime(mime)
  if (!kind) throw refuse('ASSET_TYPE_UNSUPPORTED', 'forbidden-type', `不接受此类文件（内容为 ${mime}）`)

  const claim = claimedKind(declaredType, filename)
  if (claim && !isClaimCompatible(claim.kind, kind)) {
    throw refuse('ASSET_TYPE_MISMATCH', 'type-mismatch', `文件内容为 ${mime}，与${claim.by.startsWith('file') ? '文件名' : '声明的类型'}（${claim.by}）不符`)
  }

  if (mime !== 'image/svg+xml') {
    // Browsers sniff markup from a file's first bytes; nothing but SVG text may carry it there.
    const markup = foreignContent(head.subarray(0, 1024))
    if (markup === 'html') throw refuse('ASSET_POLYGLOT', 'html-in-head', '文件开头含有网页或脚本标记（多重格式文件），已拒绝')
  }
  if (!zipDocuments.has(mime) && (await hasZipDirectoryInTail(filePath, size))) {
    throw refuse('ASSET_POLYGLOT', 'zip-directory', '文件同时是一个 ZIP 压缩包（多重格式文件），已拒绝')
  }
  if (zipDocuments.has(mime)) await checkZipDocument(filePath, size)

  if (kind === 'image') return { kind, mimeType: mime, ...(await inspectImage(filePath, mime, maxPixels)) }
  return { kind, mimeType: mime, width: null, height: null, exif: null, phash: null, trailingBytes: 0 }
}
