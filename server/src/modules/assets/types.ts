import type { AssetKind } from '../../db/schema.js'

/**
 * The file types the library accepts, by the MIME type content sniffing reports. Anything else
 * (archives, executables, HTML, scripts) is refused: a media library is not a file drop.
 */
const accepted: Record<string, AssetKind> = {
  'image/jpeg': 'image', 'image/png': 'image', 'image/gif': 'image', 'image/webp': 'image',
  'image/avif': 'image', 'image/heic': 'image', 'image/heif': 'image', 'image/tiff': 'image',
  'image/svg+xml': 'image',
  'audio/mpeg': 'audio', 'audio/x-m4a': 'audio', 'audio/mp4': 'audio', 'audio/aac': 'audio', 'audio/wav': 'audio',
  'audio/x-wav': 'audio', 'audio/ogg': 'audio', 'audio/opus': 'audio', 'audio/x-flac': 'audio', 'audio/flac': 'audio',
  'audio/amr': 'audio', 'audio/x-ms-wma': 'audio',
  'video/mp4': 'video', 'video/quicktime': 'video', 'video/webm': 'video', 'video/x-matroska': 'video',
  'video/x-flv': 'video', 'video/vnd.avi': 'video', 'video/x-msvideo': 'video', 'video/mp2t': 'video', 'video/3gpp': 'video',
  'video/mpeg': 'video', 'video/x-m4v': 'video', 'video/ogg': 'video', 'video/x-ms-asf': 'video',
  'application/pdf': 'document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'document',
  'application/x-cfb': 'document',
}

/** Zip-based documents: their end-of-central-directory is expected, not a polyglot. */
export const zipDocuments = new Set([
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
])

export function kindOfMime(mime: string): AssetKind | null {
  return accepted[mime] ?? null
}

/** What a file name's extension claims, for the mismatch check (only unambiguous ones). */
const extensionKinds: Record<string, AssetKind> = {
  jpg: 'image', jpeg: 'image', png: 'image', gif: 'image', webp: 'image', avif: 'image', heic: 'image', tif: 'image', tiff: 'image', svg: 'image',
  mp3: 'audio', m4a: 'audio', aac: 'audio', wav: 'audio', ogg: 'audio', opus: 'audio', flac: 'audio', amr: 'audio',
  mp4: 'video', mov: 'video', webm: 'video', mkv: 'video', flv: 'video', avi: 'video', m4v: 'video',
  pdf: 'document', docx: 'document', xlsx: 'document', pptx: 'document', doc: 'document', xls: 'document', ppt: 'document',
}

/** The kind a declared Content-Type or file name claims, or null when it claims nothing specific. */
export function claimedKind(declaredType: string, filename: string): { kind: AssetKind | 'other'; by: string } | null {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(filename)?.[1]?.toLowerCase()
  if (ext && extensionKinds[ext]) return { kind: extensionKinds[ext], by: `file name .${ext}` }
  const type = declaredType.split(';')[0].trim().toLowerCase()
  if (!type || type === 'application/octet-stream' || type === 'binary/octet-stream') return null
  const top = type.split('/')[0]
  if (top === 'image' || top === 'audio' || top === 'video') return { kind: top, by: `type ${type}` }
  if (type === 'application/pdf' || type.includes('officedocument') || type === 'application/msword') return { kind: 'document', by: `type ${type}` }
  return { kind: 'other', by: `type ${type}` }
}

/** Audio and video share containers (an .m4a is an MP4): a claim of one fits content of the other. */
export function isClaimCompatible(claimed: AssetKind | 'other', actual: AssetKind): boolean {
  if (claimed === actual) return true
  return (claimed === 'audio' && actual === 'video') || (claimed === 'video' && actual === 'audio')
}

/** Default size limits per kind; a tenant may set its own (asset_limits). */
export const defaultLimits: Record<AssetKind, number> = {
  image: 50 * 1024 * 1024,
  audio: 500 * 1024 * 1024,
  video: 4 * 1024 * 1024 * 1024,
  document: 200 * 1024 * 1024,
}

export const assetKinds: readonly AssetKind[] = ['image', 'audio', 'video', 'document']
