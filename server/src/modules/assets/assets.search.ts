import { indexTokens as segmentForIndex, queryTokens } from '../../kernel/text/segment.js'

/**
 * Search text for assets, on the kernel's jieba segmenter (DESIGN's measured notes: dictionary
 * loaded, traditional folded to simplified, `cutForSearch` for the index, `cut` for queries,
 * function words dropped); queries join their words with OR and are ranked.
 */

/** Keeps letters and digits only: the tokens then need no quoting inside a tsquery. */
const clean = (token: string) => token.replace(/[^\p{L}\p{N}]+/gu, '')

/** Space-separated tokens to index (`to_tsvector('simple', …)` keeps their positions). */
export function indexTokens(parts: ReadonlyArray<string | readonly string[]>): string {
  return segmentForIndex(parts.flat().filter(Boolean).join(' \n ')).map(clean).filter(Boolean).join(' ')
}

/** A `to_tsquery('simple', …)` text joining the query's words with OR, or null when none remain. */
export function queryText(query: string): string | null {
  const unique = [...new Set(queryTokens(query).map(clean).filter(Boolean))].slice(0, 16)
  return unique.length > 0 ? unique.join(' | ') : null
}
