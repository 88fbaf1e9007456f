import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError, type FieldError } from '../../kernel/errors.js'
import type { AssetMeta } from './assets.service.js'
import type { ByteRange, Storage } from './storage/storage.js'

/**
 * Parses a single-range `Range` header against a size. Returns null for no (or an ignorable)
 * header, and throws 416 for a range that lies outside the file.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null {
  if (!header) return null
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  // Several ranges or another unit: answering with the whole file is allowed (RFC 9110 §14.2).
  if (!match || (match[1] === '' && match[2] === '')) {
    if (/^bytes=/.test(header.trim()) && !header.includes(',')) throw unsatisfiable(size)
    return null
  }
  let start: number
  let end: number
  if (match[1] === '') {
    const suffix = Number(match[2])
    if (suffix === 0) throw unsatisfiable(size)
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(match[1])
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  }
  if (start >= size || start > end) throw unsatisfiable(size)
  return { start, end }
}

function unsatisfiable(size: number): AppError {
  return new AppError('RANGE_NOT_SATISFIABLE', `the file has ${size} bytes`, { extra: { size } })
}

/**
 * Streams a stored object, honouring Range (206 with Content-Range; 416 outside the file) and
 * If-None-Match. Files are sent with nosniff and a sandboxing CSP: even an original SVG or a
 * document opened directly cannot run anything on our origin.
 */
export async function sendStored(request: FastifyRequest, reply: FastifyReply, { storage, key, size, mimeType, etag, filename, cacheControl }: {
  storage: Storage; key: string; size: number; mimeType: string; etag?: string; filename?: string; cacheControl: string
}): Promise<FastifyReply> {
  reply.header('accept-ranges', 'bytes').header('cache-control', cacheControl)
    .header('x-content-type-options', 'nosniff').header('content-security-policy', "default-src 'none'; sandbox")
  if (etag) reply.header('etag', `"${etag}"`)
  if (filename) reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`)
  if (etag && request.headers['if-none-match'] === `"${etag}"`) return reply.status(304).send()
  let range: ByteRange | null
  try {
    range = parseRange(request.headers.range, size)
  } catch (error) {
    reply.header('content-range', `bytes */${size}`)
    throw error
  }
  const body = await storage.read(key, range ?? undefined)
  reply.type(mimeType)
  if (range) {
    reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1)
  } else {
    reply.header('content-length', size)
  }
  if (request.method === 'HEAD') {
    ;(body as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.()
    return reply.send()
  }
  return reply.send(body)
}

const list = (value: string | undefined) => (value === undefined ? undefined : value.split(/[,，、;；\n]/).map((v) => v.trim()).filter(Boolean))

/**
 * Reads the descriptive fields of an upload form, naming each bad one (400). Lists may be sent
 * comma-separated (Chinese commas and 、 too); dates as ISO 8601.
 */
export function metaFromFields(fields: Record<string, string>): AssetMeta {
  const errors: FieldError[] = []
  const known: Record<string, number> = { title: 200, caption: 2000, credit: 200, source: 200, copyright: 200, licence: 500 }
  const meta: AssetMeta = {}
  for (const [name, value] of Object.entries(fields)) {
    if (known[name] !== undefined) {
      if (value.length > known[name]) errors.push({ field: name, message: `must be at most ${known[name]} characters` })
      else (meta as Record<string, string>)[name] = value
    } else if (name === 'tags' || name === 'people' || name === 'places') {
      const items = list(value)!
      if (items.length > 50 || items.some((i) => i.length > 50)) errors.push({ field: name, message: 'at most 50 items of at most 50 characters' })
      else meta[name] = items
    } else if (name === 'licenceExpiresAt' || name === 'shotAt') {
      if (value === '') meta[name] = null
      else if (Number.isNaN(Date.parse(value))) errors.push({ field: name, message: 'must be a date (ISO 8601)' })
      else meta[name] = new Date(value).toISOString()
    } else {
      errors.push({ field: name, message: 'is not expected' })
    }
  }
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors })
  return meta
}
