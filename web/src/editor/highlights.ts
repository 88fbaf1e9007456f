import { Extension, type Editor } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'
import { Decoration, DecorationSet } from '@tiptap/pm/view'

/** One highlighted range of the document: a check hit, a review note, a proofreading mark. */
export interface Highlight {
  id: string
  from: number
  to: number
  className: string
  /** Shown on hover (a reviewer's note). */
  title?: string
}

const key = new PluginKey<DecorationSet>('rmHighlights')

/**
 * Decorations over document ranges, set from outside (`setHighlights`) and carried along by every
 * edit, so a hit keeps marking the same words while the writer types elsewhere, and "apply the
 * suggestion" replaces where the words are now rather than where they were when checked.
 * Each highlighted span has `data-highlight="<id>"` for clicks.
 */
export const Highlights = Extension.create({
  name: 'rmHighlights',
  addProseMirrorPlugins() {
    return [
      new Plugin<DecorationSet>({
        key,
        state: {
          init: () => DecorationSet.empty,
          apply(tr, set) {
            const next = tr.getMeta(key) as Highlight[] | undefined
            if (next) {
              const size = tr.doc.content.size
              const valid = next.filter((h) => h.from >= 0 && h.to <= size && h.from < h.to)
              return DecorationSet.create(
                tr.doc,
                valid.map((h) =>
                  Decoration.inline(h.from, h.to, { class: h.className, 'data-highlight': h.id, ...(h.title ? { title: h.title } : {}) }, { id: h.id }),
                ),
              )
            }
            return set.map(tr.mapping, tr.doc)
          },
        },
        props: { decorations: (state) => key.getState(state) },
      }),
    ]
  },
})

export function setHighlights(editor: Editor, highlights: Highlight[]): void {
  if (editor.isDestroyed) return
  editor.view.dispatch(editor.state.tr.setMeta(key, highlights).setMeta('addToHistory', false))
}

/** Where highlight `id` is now (after the edits since it was set); null once its text is gone. */
export function findHighlight(editor: Editor, id: string): { from: number; to: number } | null {
  const set = key.getState(editor.state)
  const found = set?.find(undefined, undefined, (spec) => spec.id === id)[0]
  return found ? { from: found.from, to: found.to } : null
}
