/**
 * Pasted Word and WPS HTML, reshaped so its structure survives the editor's schema.
 *
 * Word does not paste lists as <ul>/<ol>: each item is a paragraph styled `mso-list:l0 level1
 * lfo1` that starts with a hidden marker span (`mso-list:Ignore`, "1." or "·"). Those runs become
 * real nested lists here. Headings map like the server's aliases (h1 → h2, h5/h6 → h4; Word's
 * Title style → h2), and Office's <o:p> filler and conditional comments go.
 */

const MSO_LIST = /mso-list:\s*l(\d+)\s+level(\d+)/i
const ORDERED_MARKER = /^[(（]?(?:\d+|[a-zA-Z]|[ivxlcdmIVXLCDM]+|[一二三四五六七八九十百]+)[.)、．）]|^[①-⑳]/

export function transformPastedHtml(html: string): string {
  if (!/mso-|urn:schemas-microsoft-com|<h[156][\s>]|MsoTitle/i.test(html)) return html
  const doc = new DOMParser().parseFromString(html, 'text/html')
  const body = doc.body

  body.querySelectorAll('o\\:p').forEach((el) => el.replaceWith(...Array.from(el.childNodes)))
  removeComments(body)
  renameHeadings(doc)
  convertLists(doc)
  return body.innerHTML
}

function removeComments(root: Node): void {
  const walker = root.ownerDocument!.createTreeWalker(root, NodeFilter.SHOW_COMMENT)
  const comments: Node[] = []
  while (walker.nextNode()) comments.push(walker.currentNode)
  comments.forEach((c) => c.parentNode?.removeChild(c))
}

function rename(doc: Document, el: Element, tag: string): Element {
  const next = doc.createElement(tag)
  for (const name of el.getAttributeNames()) next.setAttribute(name, el.getAttribute(name) ?? '')
  next.append(...Array.from(el.childNodes))
  el.replaceWith(next)
  return next
}

function renameHeadings(doc: Document): void {
  doc.body.querySelectorAll('h1, p.MsoTitle').forEach((el) => rename(doc, el, 'h2'))
  doc.body.querySelectorAll('h5, h6').forEach((el) => rename(doc, el, 'h4'))
}

/** The marker Word put before the item text ("1.", "·"), removed from the item. */
function takeMarker(p: Element): string {
  const ignored = Array.from(p.querySelectorAll('span')).filter((s) => /mso-list:\s*ignore/i.test(s.getAttribute('style') ?? ''))
  const text = ignored.map((s) => s.textContent ?? '').join('').replace(/[\s\u00a0]+/g, '')
  ignored.forEach((s) => s.remove())
  return text
}

function convertLists(doc: Document): void {
  const items = Array.from(doc.body.querySelectorAll('p')).filter((p) => MSO_LIST.test(p.getAttribute('style') ?? ''))
  // Lists built so far for the current run of consecutive items, one per level (index 0 = level 1).
  let stack: Element[] = []
  let previous: Element | null = null
  for (const p of items) {
    const level = Number(MSO_LIST.exec(p.getAttribute('style') ?? '')?.[2] ?? '1')
    const tag = ORDERED_MARKER.test(takeMarker(p)) ? 'ol' : 'ul'
    const isContinuing = previous !== null && stack.length > 0 && nextElement(previous) === p
    if (!isContinuing) {
      stack = []
      const list = doc.createElement(tag)
      p.before(list)
      stack.push(list)
    }
    while (stack.length > level) stack.pop()
    while (stack.length < level) {
      const parentItem = stack[stack.length - 1].lastElementChild ?? stack[stack.length - 1].appendChild(doc.createElement('li'))
      const nested = doc.createElement(tag)
      parentItem.appendChild(nested)
      stack.push(nested)
    }
    const li = doc.createElement('li')
    const para = doc.createElement('p')
    para.append(...Array.from(p.childNodes))
    li.appendChild(para)
    stack[stack.length - 1].appendChild(li)
    previous = stack[0]
    p.remove()
  }
}

/** The element after `el`, skipping whitespace-only text between paragraphs. */
function nextElement(el: Element): Element | null {
  let node = el.nextSibling
  while (node && node.nodeType === Node.TEXT_NODE && !(node.textContent ?? '').trim()) node = node.nextSibling
  return node && node.nodeType === Node.ELEMENT_NODE ? (node as Element) : null
}
