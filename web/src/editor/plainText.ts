import type { Node as PMNode } from '@tiptap/pm/model'

/**
 * The story's plain text exactly as the server builds it (server/src/kernel/text/plain-text.ts,
 * `htmlToPlainText` over the saved HTML), together with where each character sits in the editor.
 *
 * Check hits (POST /checks) and review anchors are UTF-16 offsets into that text, so the editor
 * has to produce the same string and be able to map offsets back and forth:
 *
 * - every text block (paragraph, heading, a table cell's paragraph, a list item's paragraph) is a
 *   line; a hard break (<br>) ends a line too; images and rules add no text;
 * - non-breaking spaces and other odd spaces read as spaces; a tab swallows the spaces around it;
 *   runs of spaces become one; each line is trimmed; empty lines are dropped; lines join with \n.
 *
 * `positions[i]` is the ProseMirror document position of `text[i]` (one UTF-16 unit each, as
 * ProseMirror counts text too); -1 for the line breaks, which exist only in the plain text.
 * Collapsed spaces keep the position of the first one, so positions stay increasing and a text
 * range maps onto the document range that covers it.
 */
export interface PlainText {
  text: string
  positions: number[]
}

interface Unit {
  char: string
  pos: number
}

const oddSpaces = /[\u00a0\f\v\u2028\u2029]/

export function docToPlainText(doc: PMNode): PlainText {
  const lines: Unit[][] = []
  let line: Unit[] = []
  const endLine = () => {
    lines.push(line)
    line = []
  }
  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true
    endLine()
    node.forEach((child, offset) => {
      const start = pos + 1 + offset
      if (child.isText) {
        const text = child.text ?? ''
        for (let i = 0; i < text.length; i++) {
          const char = text[i]
          if (char === '\r' && text[i + 1] === '\n') continue
          if (char === '\n' || char === '\r') endLine()
          else line.push({ char: oddSpaces.test(char) ? ' ' : char, pos: start + i })
        }
      } else if (child.type.name === 'hardBreak') {
        endLine()
      }
    })
    endLine()
    return false
  })
  endLine()

  const text: string[] = []
  const positions: number[] = []
  for (const raw of lines) {
    const settled = trim(collapse(raw))
    if (settled.length === 0) continue
    if (text.length > 0) {
      text.push('\n')
      positions.push(-1)
    }
    for (const u of settled) {
      text.push(u.char)
      positions.push(u.pos)
    }
  }
  return { text: text.join(''), positions }
}

/** ` *\t[ \t]*` → one tab, then runs of spaces → one space (the server's order). */
function collapse(units: Unit[]): Unit[] {
  const out: Unit[] = []
  let isAfterTab = false
  for (const u of units) {
    if (u.char === '\t') {
      if (isAfterTab) continue
      while (out.length && out[out.length - 1].char === ' ') out.pop()
      out.push(u)
      isAfterTab = true
    } else if (u.char === ' ') {
      if (isAfterTab || out[out.length - 1]?.char === ' ') continue
      out.push(u)
    } else {
      out.push(u)
      isAfterTab = false
    }
  }
  return out
}

function trim(units: Unit[]): Unit[] {
  let a = 0
  let b = units.length
  while (a < b && (units[a].char === ' ' || units[a].char === '\t')) a++
  while (b > a && (units[b - 1].char === ' ' || units[b - 1].char === '\t')) b--
  return units.slice(a, b)
}

/** The document range covering text[start, end); null when the range holds no real character. */
export function textRangeToDoc(plain: PlainText, start: number, end: number): { from: number; to: number } | null {
  let a = Math.max(0, start)
  let b = Math.min(plain.positions.length, end) - 1
  while (a <= b && plain.positions[a] < 0) a++
  while (b >= a && plain.positions[b] < 0) b--
  if (a > b) return null
  return { from: plain.positions[a], to: plain.positions[b] + 1 }
}

/** The text offsets of the characters inside the document range [from, to). */
export function docRangeToText(plain: PlainText, from: number, to: number): { start: number; end: number } | null {
  let start = -1
  let end = -1
  plain.positions.forEach((pos, i) => {
    if (pos < 0 || pos < from || pos >= to) return
    if (start < 0) start = i
    end = i + 1
  })
  return start < 0 ? null : { start, end }
}
