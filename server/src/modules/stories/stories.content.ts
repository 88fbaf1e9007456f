import crypto from 'node:crypto'
import type { StoryKind } from '../../db/schema.js'
import { canonicalJson } from '../../kernel/audit.js'
import { AppError, type FieldError } from '../../kernel/errors.js'
import { countText } from '../../kernel/text/count.js'
import { htmlToPlainText } from '../../kernel/text/plain-text.js'
import { sanitizeHtml, type Removal } from '../../kernel/text/sanitize.js'

/** Largest story body, in UTF-8 bytes after sanitising. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024
export const MAX_TAGS = 20

export interface Attachment {
  name: string
  url: string
}

/** Everything a version holds: what an editor edits, what a review decision signs. */
export interface StoryContent {
  kind: StoryKind
  title: string
  subtitle: string
  summary: string
  bodyHtml: string
  byline: string
  source: string
  section: string
  tags: string[]
  coverAssetId: string | null
  attachments: Attachment[]
  isImportant: boolean
}

/** The editable fields as the API takes them (`body` is HTML); absent fields keep their value. */
export interface ContentInput {
  kind?: StoryKind
  title?: string
  subtitle?: string
  summary?: string
  body?: string
  byline?: string
  source?: string
  section?: string
  tags?: string[]
  coverAssetId?: string | null
  attachments?: Attachment[]
  isImportant?: boolean
}

export const emptyContent: StoryContent = {
  kind: 'article', title: '', subtitle: '', summary: '', bodyHtml: '', byline: '', source: '', section: '',
  tags: [], coverAssetId: null, attachments: [], isImportant: false,
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, { errors: [{ field, message }] })
}

/** One line of text: trimmed, inner runs of whitespace (line breaks included) made one space. */
function line(value: string): string {
  return value.replace(/\s+/g, ' ').trim()
}

function checkAttachments(attachments: Attachment[]): Attachment[] {
  const errors: FieldError[] = []
  const kept = attachments.map((a, i) => {
    const url = a.url.trim()
    // Our own paths, or an absolute http(s) URL: never javascript:, data: and the like.
    const isOwnPath = /^\/(?!\/)[A-Za-z0-9._~%\-/?=&]*$/.test(url)
    let isWebUrl = false
    try {
      const parsed = new URL(url)
      isWebUrl = (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== ''
    } catch {
      isWebUrl = false
    }
    if (!isOwnPath && !isWebUrl) errors.push({ field: `attachments.${i}.url`, message: 'must be an http(s) URL or a path on this site' })
    if (line(a.name) === '') errors.push({ field: `attachments.${i}.name`, message: 'must not be empty' })
    return { name: line(a.name), url }
  })
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors })
  return kept
}

export interface SanitizedBody {
  html: string
  removed: Removal[]
}

/**
 * Sanitises a body with the story profile. Called before any transaction opens: cleaning two
 * megabytes of HTML takes a while and must not hold the embedded database's one connection.
 */
export function sanitizeBody(body: string): SanitizedBody {
  const { html, removed } = sanitizeHtml(body, 'story')
  if (Buffer.byteLength(html, 'utf8') > MAX_BODY_BYTES) throw invalid('body', `must be at most ${MAX_BODY_BYTES} bytes`)
  return { html, removed }
}

/**
 * Applies `input` over `base`: plain-text fields trimmed, tags de-duplicated, attachments checked,
 * and the body replaced by its sanitised form (`body`, from sanitizeBody).
 */
export function mergeContent(base: StoryContent, input: ContentInput, body: SanitizedBody | null): StoryContent {
  const next: StoryContent = { ...base, tags: [...base.tags], attachments: [...base.attachments] }
  if (input.kind !== undefined) next.kind = input.kind
  if (input.title !== undefined) {
    next.title = line(input.title)
    if (next.title === '') throw invalid('title', 'must not be empty')
  }
  for (const field of ['subtitle', 'byline', 'source', 'section'] as const) {
    if (input[field] !== undefined) next[field] = line(input[field]!)
  }
  // A summary may keep its paragraphs.
  if (input.summary !== undefined) next.summary = input.summary.replace(/\r\n?/g, '\n').trim()
  if (body) next.bodyHtml = body.html
  if (input.tags !== undefined) {
    next.tags = [...new Set(input.tags.map(line).filter((t) => t !== ''))]
    if (next.tags.length > MAX_TAGS) throw invalid('tags', `must have at most ${MAX_TAGS} items`)
  }
  if (input.coverAssetId !== undefined) next.coverAssetId = input.coverAssetId
  if (input.attachments !== undefined) next.attachments = checkAttachments(input.attachments)
  if (input.isImportant !== undefined) next.isImportant = input.isImportant
  return next
}

/**
 * sha256 over the canonical JSON of the content: the same text always has the same hash, on
 * either database, whatever order jsonb keeps keys in. A review decision stores this hash.
 */
export function contentHash(content: StoryContent): string {
  return crypto.createHash('sha256').update(canonicalJson({ ...content, attachments: content.attachments.map((a) => ({ name: a.name, url: a.url })) })).digest('hex')
}

export interface BodyFacts {
  bodyText: string
  wordCount: number
  charCount: number
}

/** The plain text the checks read, and the newsroom counts (字数 and characters) of the body. */
export function bodyFacts(bodyHtml: string): BodyFacts {
  const bodyText = htmlToPlainText(bodyHtml)
  const count = countText(bodyText)
  return { bodyText, wordCount: count.wordCount, charCount: count.characters }
}

/** Word and character count of a body (for drafts and versions, which keep no counts). */
export function countsOf(bodyHtml: string): { wordCount: number; charCount: number } {
  const { wordCount, charCount } = bodyFacts(bodyHtml)
  return { wordCount, charCount }
}

/** Reads content back from a jsonb draft, tolerating fields a newer version of the server added. */
export function contentFromJson(value: Record<string, unknown>): StoryContent {
  return { ...emptyContent, ...(value as Partial<StoryContent>) }
}
