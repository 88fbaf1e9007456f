import { Extension, Mark, mergeAttributes } from '@tiptap/core'

/**
 * Markup the server accepts and a .docx import produces that the starter kit would drop on
 * the way through the editor: superscript and subscript (footnote references), the footnote
 * anchors' ids, and the editor's class-only marks. Without these, opening an imported story and
 * saving it would silently lose its footnotes.
 */

const FOOTNOTE_ID = /^fn-[A-Za-z0-9_-]{1,80}$/
const spanClasses = ['highlight', 'emphasis-dot', 'wavy-underline']

const idAttribute = {
  default: null,
  parseHTML: (el: HTMLElement) => (FOOTNOTE_ID.test(el.id) ? el.id : null),
  renderHTML: (attrs: { id?: string | null }) => (attrs.id ? { id: attrs.id } : {}),
}

function simpleMark(name: string, tag: string, classes: string[]) {
  return Mark.create({
    name,
    addAttributes() {
      return {
        id: idAttribute,
        class: {
          default: null,
          parseHTML: (el: HTMLElement) => classes.find((c) => el.classList.contains(c)) ?? null,
          renderHTML: (attrs: { class?: string | null }) => (attrs.class ? { class: attrs.class } : {}),
        },
      }
    },
    parseHTML: () => [{ tag }],
    renderHTML: ({ HTMLAttributes }) => [tag, mergeAttributes(HTMLAttributes), 0],
  })
}

export const Superscript = simpleMark('superscript', 'sup', ['footnote-ref'])
export const Subscript = simpleMark('subscript', 'sub', [])

/** `<span class="highlight|emphasis-dot|wavy-underline">`; a span without one of these is no mark. */
export const ClassSpan = Mark.create({
  name: 'classSpan',
  addAttributes() {
    return { class: { default: null, renderHTML: (attrs: { class?: string | null }) => (attrs.class ? { class: attrs.class } : {}) } }
  },
  parseHTML: () =>
    spanClasses.map((c) => ({ tag: `span.${c}`, getAttrs: () => ({ class: c }) })),
  renderHTML: ({ HTMLAttributes }) => ['span', mergeAttributes(HTMLAttributes), 0],
})

/** Footnote ids on links and list items, and the footnote list's class. */
export const FootnoteAttributes = Extension.create({
  name: 'footnoteAttributes',
  addGlobalAttributes() {
    return [
      { types: ['link', 'listItem'], attributes: { id: idAttribute } },
      {
        types: ['orderedList'],
        attributes: {
          footnotes: {
            default: false,
            parseHTML: (el: HTMLElement) => el.classList.contains('footnotes'),
            renderHTML: (attrs: { footnotes?: boolean }) => (attrs.footnotes ? { class: 'footnotes' } : {}),
          },
        },
      },
    ]
  },
})
