import { Extension } from '@tiptap/core'

export type Align = 'left' | 'center' | 'right' | 'justify'

const aligns: readonly Align[] = ['left', 'center', 'right', 'justify']
const alignedTypes = ['paragraph', 'heading']

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    alignClass: {
      /** Aligns the selected paragraphs and headings; null goes back to the default. */
      setAlign: (align: Align | null) => ReturnType
    }
  }
}

function readAlign(element: HTMLElement): Align | null {
  for (const a of aligns) if (element.classList.contains(`text-${a}`)) return a
  // Pasted Word/WPS text carries alignment as inline style or the old align attribute.
  const value = (element.style.textAlign || element.getAttribute('align') || '').toLowerCase()
  return (aligns as readonly string[]).includes(value) ? (value as Align) : null
}

/**
 * Paragraph and heading alignment written as the classes the server's sanitiser allows
 * (text-left|center|right|justify): the story profile keeps no inline style.
 */
export const AlignClass = Extension.create({
  name: 'alignClass',
  addGlobalAttributes() {
    return [
      {
        types: alignedTypes,
        attributes: {
          align: {
            default: null,
            parseHTML: (element: HTMLElement) => readAlign(element),
            renderHTML: (attrs: { align?: Align | null }) => (attrs.align ? { class: `text-${attrs.align}` } : {}),
          },
        },
      },
    ]
  },
  addCommands() {
    return {
      setAlign:
        (align) =>
        ({ commands }) =>
          alignedTypes.map((type) => commands.updateAttributes(type, { align })).some(Boolean),
    }
  },
})
