import { Parser } from 'htmlparser2'

/** Content that is not visible text: scripts, styles, foreign markup, the document head. */
const hiddenTags = new Set([
  'script', 'style', 'template', 'noscript', 'noembed', 'noframes', 'head', 'title', 'svg', 'math',
  'iframe', 'object', 'textarea', 'select', 'xmp',
])

const blockTags = new Set([
  'address', 'article', 'aside', 'blockquote', 'caption', 'dd', 'details', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main',
  'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul',
])

const LINE = '\n'
/** Placeholder for a table-cell boundary until lines are settled (becomes a tab). */
const CELL = '\u0001'

/**
 * The text a reader sees, as the checks engine and the word count read it: markup and hidden
 * content removed, entities decoded, each block (paragraph, heading, list item, table row) on its
 * own line, table cells (and tabs in the text) separated by one tab, runs of spaces collapsed,
 * blank lines dropped.
 *
 * Unlike a browser, a line break inside the source text stays a line break: plain text pasted as
 * it is keeps its lines, and feeding the result back in returns it unchanged (the function is a
 * fixed point on its own output, which the `plain` sanitiser profile relies on).
 *
 * @example htmlToPlainText('<h2>标题</h2><p>第一段&nbsp;内容</p>') // '标题\n第一段 内容'
 */
export function htmlToPlainText(html: string): string {
  const pieces: string[] = []
  let hiddenDepth = 0
  const parser = new Parser(
    {
      onopentag(name) {
        if (hiddenDepth > 0 || hiddenTags.has(name)) {
          hiddenDepth++
          return
        }
        if (name === 'br') pieces.push(LINE)
        else if (blockTags.has(name)) pieces.push(LINE)
      },
      onclosetag(name) {
        if (hiddenDepth > 0) {
          hiddenDepth--
          return
        }
        if (blockTags.has(name)) pieces.push(LINE)
        else if (name === 'td' || name === 'th') pieces.push(CELL)
      },
      ontext(text) {
        if (hiddenDepth === 0) pieces.push(text)
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  )
  parser.write(html)
  parser.end()
  return settleLines(pieces.join(''))
}

function settleLines(raw: string): string {
  return raw
    .replace(/\r\n?/g, LINE)
    .replace(/[\u00a0\f\v\u2028\u2029]/g, ' ')
    // A tab in the text (Word's tab stops) reads like a cell boundary; both end up as one tab.
    .replace(/ *[\t\u0001][ \t\u0001]*/g, CELL)
    .replace(/ {2,}/g, ' ')
    .split(LINE)
    .map((line) => line.replace(/^[ \u0001]+|[ \u0001]+$/g, '').replace(/\u0001/g, '\t'))
    .filter((line) => line !== '')
    .join(LINE)
}
