import crypto from 'node:crypto'
import fs from 'node:fs'
import sharp, { type Sharp } from 'sharp'
import type { Rendition } from './assets.views.js'

/**
 * Picture derivatives, made with sharp from one decode of the original: web size and thumbnail
 * in JPEG (the fallback every client reads), WebP and AVIF; channel crops around the focal
 * point. EXIF orientation is applied (`rotate()`), and no derivative carries metadata: sharp
 * writes none unless asked (withMetadata is never called here), so GPS and maker notes stay
 * in the original.
 */
export const sizes = [
  { name: 'thumb', width: 320, height: 320, formats: ['jpeg', 'webp', 'avif'] },
  { name: 'web', width: 1600, height: 1600, formats: ['jpeg', 'webp', 'avif'] },
] as const

/** Crops channels ask for: WeChat's cover (2.35:1) and its square, video-style 16:9, classic 4:3. */
export const crops = [
  { name: 'wechat-cover', width: 900, height: 383 },
  { name: 'square', width: 640, height: 640 },
  { name: 'wide', width: 1280, height: 720 },
  { name: 'standard', width: 1024, height: 768 },
] as const

const mimeOf: Record<string, string> = { jpeg: 'image/jpeg', webp: 'image/webp', avif: 'image/avif' }
const extOf: Record<string, string> = { jpeg: 'jpg', webp: 'webp', avif: 'avif' }

/** Encodes in a format with settings fit for the web (progressive JPEG, modest AVIF effort). */
function encode(image: Sharp, format: string): Sharp {
  if (format === 'webp') return image.webp({ quality: 80 })
  if (format === 'avif') return image.avif({ quality: 55, effort: 2 })
  return image.jpeg({ quality: 82, progressive: true, mozjpeg: true })
}

/**
 * The largest region of the picture with the crop's aspect ratio, centred on the focal point as
 * far as the edges allow.
 */
export function cropRegion(width: number, height: number, ratio: number, focal: { x: number; y: number }) {
  let w = width
  let h = Math.round(width / ratio)
  if (h > height) {
    h = height
    w = Math.round(height * ratio)
  }
  const left = Math.min(Math.max(Math.round(focal.x * width - w / 2), 0), width - w)
  const top = Math.min(Math.max(Math.round(focal.y * height - h / 2), 0), height - h)
  return { left, top, width: w, height: h }
}

export interface Produced extends Rendition {
  /** Temp file holding the bytes, to be stored under the rendition's key. */
  path: string
}

/** Decodes once, oriented and bounded to 2048 px, as raw pixels every derivative starts from. */
async function decodeOnce(input: string, maxPixels: number) {
  const { data, info } = await sharp(input, { limitInputPixels: maxPixels, failOn: 'error' })
    .rotate().resize(2048, 2048, { fit: 'inside', withoutEnlargement: true }).toColourspace('srgb')
    .raw().toBuffer({ resolveWithObject: true })
  return { data, raw: { width: info.width, height: info.height, channels: info.channels } }
}

async function write(image: Sharp, tmpBase: string, name: string, format: string): Promise<Produced> {
  const file = `${name}.${extOf[format]}`
  const path = `${tmpBase}-${file}`
  const info = await encode(image, format).toFile(path)
  const etag = crypto.createHash('sha256').update(await fs.promises.readFile(path)).digest('hex').slice(0, 32)
  return { name, format, mimeType: mimeOf[format], file, width: info.width, height: info.height, bytes: info.size, etag, path }
}

/** Makes every picture derivative into temp files beside `tmpBase`. */
export async function makePictureDerivatives({ input, tmpBase, focal, maxPixels }: {
  input: string; tmpBase: string; focal: { x: number; y: number }; maxPixels: number
}): Promise<Produced[]> {
  const { data, raw } = await decodeOnce(input, maxPixels)
  const from = () => sharp(data, { raw })
  const jobs: Array<Promise<Produced>> = []
  for (const size of sizes) {
    for (const format of size.formats) {
      jobs.push(write(from().resize(size.width, size.height, { fit: 'inside', withoutEnlargement: true }), tmpBase, size.name, format))
    }
  }
  for (const crop of crops) {
    const region = cropRegion(raw.width, raw.height, crop.width / crop.height, focal)
    const target = region.width >= crop.width ? { width: crop.width, height: crop.height } : { width: region.width, height: Math.round(region.width * crop.height / crop.width) }
    for (const format of ['jpeg', 'webp']) {
      jobs.push(write(from().extract(region).resize(target.width, target.height, { fit: 'fill' }), tmpBase, crop.name, format))
    }
  }
  return Promise.all(jobs)
}

/** A poster frame (a JPEG ffmpeg wrote) turned into stripped web renditions. */
export async function makePosterDerivatives({ input, tmpBase, maxPixels }: { input: string; tmpBase: string; maxPixels: number }): Promise<Produced[]> {
  const { data, raw } = await decodeOnce(input, maxPixels)
  const from = () => sharp(data, { raw }).resize(1280, 1280, { fit: 'inside', withoutEnlargement: true })
  return Promise.all([write(from(), tmpBase, 'poster', 'jpeg'), write(from(), tmpBase, 'poster', 'webp')])
}

/**
 * Why sharp on this machine cannot render a picture of this type, or null when it can. HEIC/HEIF
 * (iPhone photos) need an HEVC decoder; sharp's prebuilt libvips ships libheif with AV1 (AVIF)
 * only, which it reports as `sharp.format.heif.input.fileSuffix` = ['.avif']. A build of libvips
 * with HEVC lists '.heic' there, and then HEIC pictures get their derivatives like any other.
 */
export function undecodableReason(mimeType: string, heifSuffixes: readonly string[] = sharp.format.heif?.input.fileSuffix ?? []): string | null {
  if (mimeType !== 'image/heic' && mimeType !== 'image/heif') return null
  if (heifSuffixes.includes('.heic')) return null
  return 'HEIC decoding not available (sharp on this server has no HEVC decoder): convert to JPEG to get web renditions'
}
