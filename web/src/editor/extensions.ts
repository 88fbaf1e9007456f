import type { Extensions } from '@tiptap/core'
import StarterKit from '@tiptap/starter-kit'
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table'
import Image from '@tiptap/extension-image'
import { Placeholder } from '@tiptap/extensions'
import { Highlights } from './highlights'
import { ClassSpan, FootnoteAttributes, Subscript, Superscript } from './storyMarks'
import { AlignClass } from './textAlign'

/**
 * What a story may contain, matched to the server's story profile: headings h2–h4 (h1 is the
 * title), no code (the profile has no <code>/<pre>), links that do not open on click while
 * editing, block images by URL, tables without pixel widths.
 */
export function storyExtensions({ placeholder }: { placeholder?: string } = {}): Extensions {
  return [
    StarterKit.configure({
      heading: { levels: [2, 3, 4] },
      code: false,
      codeBlock: false,
      link: { openOnClick: false, autolink: true, defaultProtocol: 'https' },
    }),
    Table.configure({ resizable: false }),
    TableRow,
    TableHeader,
    TableCell,
    Image.configure({ inline: false, allowBase64: false }),
    Superscript,
    Subscript,
    ClassSpan,
    FootnoteAttributes,
    AlignClass,
    Highlights,
    ...(placeholder ? [Placeholder.configure({ placeholder })] : []),
  ]
}
