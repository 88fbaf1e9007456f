import { diffArrays, diffWords } from 'diff'
import { Parser } from 'htmlparser2'
import { htmlToPlainText } from '../../kernel/text/plain-text.js'
import type { StoryContent } from './stories.content.js'

/** What the console's side-by-side view needs to show between two versions. */

export type ChangeType = 'equal' | 'added' | 'removed'

export interface TextChange {
  type: ChangeType
  value: string
}

export interface TextDiff {
  changes: TextChange[]
  /** True when the texts differ too much to align within the time budget: shown as all removed, all added. */
  isApproximate: boolean
}

export interface BlockChange {
  type: ChangeType
  /** One top-level block of the story HTML (a paragraph, heading, list, table…). */
  html: string
}

export interface FieldChange {
  field: string
  from: unknown
  to: unknown
}

// Chinese has no spaces between words: the ICU dictionary in Intl.Segmenter finds the words, so
// a changed word is marked as a word rather than as scattered characters.
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' })

/** Bounds that keep a diff of two unrelated 2 MB bodies from tying up the server. */
const limits = { maxEditLength: 20_000, timeout: 2_000 }

function typeOf(change: { added: boolean; removed: boolean }): ChangeType {
  return change.added ? 'added' : change.removed ? 'removed' : 'equal'
}

/** Word-level diff of two texts (CJK split into words, whitespace kept as it was). */
export function diffText(from: string, to: string): TextDiff {
  const result = diffWords(from, to, { intlSegmenter: segmenter, ...limits })
  if (!result) {
    const changes: TextChange[] = []
    if (from) changes.push({ type: 'removed', value: from })
    if (to) changes.push({ type: 'added', value: to })
    return { changes, isApproximate: true }
  }
  return { changes: result.map((c) => ({ type: typeOf(c), value: c.value })), isApproximate: false }
}

const blockTags = new Set(['p', 'h2', 'h3', 'h4', 'blockquote', 'ul', 'ol', 'table', 'figure', 'hr', 'div', 'pre'])

/**
 * The top-level blocks of an HTML body, each exactly as written (a slice of the input). Inline
 * content between blocks (text, links, a line break) is one block of its own.
 * @example splitBlocks('<p>a</p>b<br>c<h2>t</h2>') // ['<p>a</p>', 'b<br>c', '<h2>t</h2>']
 */
export function splitBlocks(html: string): string[] {
  const blocks: string[] = []
  let depth = 0
  let blockStart = -1
  let inlineStart = -1
  const flushInline = (end: number) => {
    if (inlineStart < 0) return
    const piece = html.slice(inlineStart, end).trim()
    if (piece) blocks.push(piece)
    inlineStart = -1
  }
  const parser = new Parser({
    onopentag(name) {
      if (depth === 0) {
        if (blockTags.has(name)) {
          flushInline(parser.startIndex)
          blockStart = parser.startIndex
        } else if (inlineStart < 0) {
          inlineStart = parser.startIndex
        }
      }
      depth++
    },
    onclosetag() {
      depth--
      if (depth === 0 && blockStart >= 0) {
        blocks.push(html.slice(blockStart, parser.endIndex + 1))
        blockStart = -1
      }
    },
    ontext(text) {
      if (depth === 0 && inlineStart < 0 && text.trim() !== '') inlineStart = parser.startIndex
    },
  }, { decodeEntities: true, lowerCaseTags: true })
  parser.write(html)
  parser.end()
  flushInline(html.length)
  return blocks
}

/** Which blocks stayed, which went and which came, in reading order (structure changes show here). */
export function diffBlocks(fromHtml: string, toHtml: string): BlockChange[] {
  const from = splitBlocks(fromHtml)
  const to = splitBlocks(toHtml)
  const result = diffArrays(from, to, limits)
  if (!result) return [...from.map((html) => ({ type: 'removed' as const, html })), ...to.map((html) => ({ type: 'added' as const, html }))]
  return result.flatMap((change) => change.value.map((html) => ({ type: typeOf(change), html })))
}

const comparedFields = ['kind', 'subtitle', 'summary', 'byline', 'source', 'section', 'tags', 'coverAssetId', 'attachments', 'isImportant'] as const

/** The other fields that differ (title and body have their own text diffs). */
export function diffFields(from: StoryContent, to: StoryContent): FieldChange[] {
  return comparedFields
    .filter((field) => JSON.stringify(from[field]) !== JSON.stringify(to[field]))
    .map((field) => ({ field, from: from[field], to: to[field] }))
}

export interface ContentDiff {
  title: TextDiff
  body: TextDiff
  blocks: BlockChange[]
  fields: FieldChange[]
}

/** Everything that changed from one content to another. */
export function diffContent(from: StoryContent, to: StoryContent): ContentDiff {
  return {
    title: diffText(from.title, to.title),
    body: diffText(htmlToPlainText(from.bodyHtml), htmlToPlainText(to.bodyHtml)),
    blocks: diffBlocks(from.bodyHtml, to.bodyHtml),
    fields: diffFields(from, to),
  }
}
