import { randomUUID } from 'node:crypto'
import mammoth from 'mammoth'
import { AppError } from '../errors.js'
import { defaultDocxLimits, docxRefused, readDocxPackage, type DocxLimits } from './docx-package.js'
import { htmlToPlainText } from './plain-text.js'
import { sanitizeHtml, type Removal } from './sanitize.js'

export { defaultDocxLimits, type DocxLimits, type DocxRefusal } from './docx-package.js'

export interface ImportedImage {
  /** Also the last segment of the placeholder `src` in `html`. */
  id: string
  contentType: string
  data: Buffer
  alt: string
}

export interface DocxImport {
  /** Story-profile HTML; images are placeholders `/api/v1/assets/pending/<id>`. */
  html: string
  title: string | null
  images: ImportedImage[]
  footnotes: number
  warnings: string[]
}

export const PENDING_ASSET_PREFIX = '/api/v1/assets/pending/'

/**
 * Word's heading levels moved one down: the document's Title (or its first Heading 1) becomes
 * the story title, and the story body uses h2–h4 like the editor does.
 */
const styleMap = [
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='title'] => h1:fresh",
  "p[style-name='Subtitle'] => p:fresh",
  ...[1, 2, 3, 4, 5, 6].flatMap((level) => {
    const tag = `h${Math.min(level + 1, 4)}`
    return [`p[style-name='Heading ${level}'] => ${tag}:fresh`, `p[style-name='heading ${level}'] => ${tag}:fresh`, `p.Heading${level} => ${tag}:fresh`]
  }),
]

/** Raster formats a browser shows; anything else (EMF, WMF, TIFF, SVG) is left out with a warning. */
const imageSignatures: Array<{ contentType: string; matches: (data: Buffer) => boolean }> = [
  { contentType: 'image/png', matches: (d) => d.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { contentType: 'image/jpeg', matches: (d) => d[0] === 0xff && d[1] === 0xd8 && d[2] === 0xff },
  { contentType: 'image/gif', matches: (d) => d.subarray(0, 4).toString('latin1') === 'GIF8' },
  { contentType: 'image/webp', matches: (d) => d.subarray(0, 4).toString('latin1') === 'RIFF' && d.subarray(8, 12).toString('latin1') === 'WEBP' },
]

/**
 * Converts a .docx into story HTML, or refuses it with DOCX_INVALID (reason in `extra.reason`)
 * before mammoth ever sees a hostile file. Pure: it stores nothing; the caller puts `images`
 * into the media library and replaces the pending placeholders.
 *
 * @example const { html, title, images } = await importDocx(upload, { maxBytes: 20 << 20 })
 */
export async function importDocx(buffer: Buffer, limits: Partial<DocxLimits> = {}): Promise<DocxImport> {
  const bounds: DocxLimits = { ...defaultDocxLimits, ...limits }
  const checked = await readDocxPackage(buffer, bounds)
  const images: ImportedImage[] = []
  const warnings: string[] = []
  let isImageTooLarge = false

  const convertImage = mammoth.images.imgElement(async (image) => {
    const data = await image.readAsBuffer()
    const contentType = imageSignatures.find((signature) => signature.matches(data))?.contentType
    if (data.length > bounds.maxImageBytes) isImageTooLarge = true
    if (!contentType || data.length > bounds.maxImageBytes) {
      if (!contentType) warnings.push(`图片格式不受支持（${String(image.contentType).slice(0, 40)}），已略过，请另存为 PNG/JPEG 后在编辑器中插入。`)
      return { src: '' }
    }
    const id = randomUUID()
    images.push({ id, contentType, data, alt: (image as { altText?: string }).altText ?? '' })
    return { src: `${PENDING_ASSET_PREFIX}${id}` }
  })

  let converted: { value: string; messages: Array<{ type: string; message: string }> }
  try {
    converted = await mammoth.convertToHtml({ buffer: checked }, {
      styleMap,
      idPrefix: 'fn-',
      includeEmbeddedStyleMap: false,
      externalFileAccess: false,
      convertImage,
    })
  } catch (error) {
    throw error instanceof AppError ? error : docxRefused('corrupt', error)
  }
  if (isImageTooLarge) throw docxRefused('too_large')

  const { title, body } = takeTitle(markFootnotes(converted.value))
  const sanitized = sanitizeHtml(body, 'story')
  const placeholders = new Set([...sanitized.html.matchAll(/\/api\/v1\/assets\/pending\/([0-9a-f-]{36})/g)].map((m) => m[1]))
  const keptImages = images.filter((image) => placeholders.has(image.id))
  if (htmlToPlainText(sanitized.html) === '' && keptImages.length === 0 && !title) throw docxRefused('empty')

  return {
    html: sanitized.html,
    title,
    images: keptImages,
    footnotes: (sanitized.html.match(/<li id="fn-(?:footnote|endnote)-/g) ?? []).length,
    // Skipped images were already explained above; the sanitiser's note about them would repeat it.
    warnings: [...new Set([
      ...warnings,
      ...converted.messages.map(describeMessage),
      ...sanitized.removed.filter((removal) => removal.reason !== 'image_without_source').map(describeRemoval),
    ])],
  }
}

/**
 * The first Title paragraph is the title; without one, the first Heading 1. It leaves the body
 * when it opens the document (the story shows its title separately); later Title paragraphs
 * become ordinary headings.
 */
function takeTitle(html: string): { title: string | null; body: string } {
  const tag = /<h1[\s>]/.test(html) ? 'h1' : 'h2'
  const match = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(html)
  if (!match) return { title: null, body: html }
  const title = htmlToPlainText(match[1]).replace(/\s+/g, ' ').trim() || null
  const isLeading = html.slice(0, match.index).trim() === ''
  const body = isLeading ? html.slice(match.index + match[0].length) : html
  return { title, body }
}

/** mammoth's note references and note list, given the classes the editor's footnote markup uses. */
function markFootnotes(html: string): string {
  return html
    .replace(/<sup><a href="#fn-(footnote|endnote)-/g, '<sup class="footnote-ref"><a href="#fn-$1-')
    .replace(/<ol><li id="fn-(footnote|endnote)-/g, '<ol class="footnotes"><li id="fn-$1-')
}

function describeMessage(message: { type: string; message: string }): string {
  const unknownStyle = /^Unrecognised (paragraph|run|table) style: '(.*?)'/.exec(message.message)
  if (unknownStyle) {
    const kind = { paragraph: '段落', run: '文字', table: '表格' }[unknownStyle[1] as 'paragraph' | 'run' | 'table']
    return `未识别的${kind}样式“${unknownStyle[2]}”，已按普通${kind}导入。`
  }
  return `转换提示：${message.message}`
}

const removalReasons: Record<Removal['reason'], string> = {
  tag_not_allowed: '不支持的元素',
  attribute_not_allowed: '不支持的属性',
  event_handler: '脚本事件',
  unsafe_url: '不安全的链接',
  url_not_allowed: '不允许的链接地址',
  class_not_allowed: '不支持的样式类',
  style_not_allowed: '不支持的内联样式',
  invalid_value: '无效的属性值',
  image_without_source: '无法导入的图片',
}

function describeRemoval(removal: Removal): string {
  const where = [removal.tag, removal.attribute].filter(Boolean).join(' ')
  return `已移除${removalReasons[removal.reason]}${where ? `（${where}）` : ''}。`
}
