import { useCallback, useEffect, useMemo, useState } from 'react'
import type { Editor } from '@tiptap/core'
import { checksApi, type CheckField, type CheckHit } from '../../../api/checks'
import { findHighlight, setHighlights, type Highlight } from '../../../editor/highlights'
import { docToPlainText, textRangeToDoc } from '../../../editor/plainText'

/** A hit as the panel shows it: which field, the flagged words, and a stable id for the highlight. */
export interface PanelHit extends CheckHit {
  id: string
  field: CheckField
  quote: string
  overrideId?: string | null
}

export const hitId = (field: CheckField, h: Pick<CheckHit, 'ruleId' | 'start' | 'end'>) => `${field}:${h.ruleId}:${h.start}:${h.end}`

const severityOrder = { block: 0, review: 1, hint: 2 } as const

/** Turns API hits into panel hits, in reading order within each severity. */
export function toPanelHits(field: CheckField, text: string, hits: CheckHit[]): PanelHit[] {
  return hits.map((h) => ({ ...h, field, id: hitId(field, h), quote: text.slice(h.start, h.end) }))
}

export function sortHits(hits: PanelHit[]): PanelHit[] {
  return [...hits].sort((a, b) => severityOrder[a.severity] - severityOrder[b.severity] || (a.field === b.field ? a.start - b.start : a.field === 'title' ? -1 : 1))
}

/** Marks body hits in the editor, each at the document range its text offsets map to. */
export function highlightHits(editor: Editor, hits: PanelHit[], activeId: string | null, extra: Highlight[] = []): void {
  const plain = docToPlainText(editor.state.doc)
  const ranges: Highlight[] = []
  for (const h of hits) {
    if (h.field !== 'body') continue
    const range = textRangeToDoc(plain, h.start, h.end)
    if (range) ranges.push({ id: h.id, ...range, className: `rm-hl rm-hl-${h.severity}${h.id === activeId ? ' rm-hl-active' : ''}` })
  }
  setHighlights(editor, [...ranges, ...extra])
}

interface Options {
  editor: Editor
  getTitle: () => string
  setTitle?: (title: string) => void
}

/**
 * The editor's checks: runs POST /checks on the title and on the body's plain text (the same
 * text the server checks on submit), keeps the hits, and applies a suggestion where the flagged
 * words are now (the highlight follows edits made since the check).
 */
export function useChecks({ editor, getTitle, setTitle }: Options) {
  const [hits, setHits] = useState<PanelHit[] | null>(null)
  const [activeId, setActiveId] = useState<string | null>(null)
  const [isRunning, setRunning] = useState(false)
  const [error, setError] = useState<unknown>(null)

  /** New hits, placed by their text offsets (valid for the text just checked). */
  const load = useCallback(
    (next: PanelHit[]) => {
      setHits(next)
      highlightHits(editor, next, null)
    },
    [editor],
  )

  const run = useCallback(async (): Promise<PanelHit[]> => {
    setRunning(true)
    setError(null)
    try {
      const title = getTitle()
      const body = docToPlainText(editor.state.doc).text
      // The body HTML goes along so pictures without a caption or credit are found too.
      const html = editor.getHTML()
      const hasBody = body !== '' || html.includes('<img')
      const [t, b] = await Promise.all([title.trim() ? checksApi.run(title) : null, hasBody ? checksApi.run(body, html) : null])
      const textHits = (b?.hits ?? []).filter((h) => h.field !== 'image')
      const imageHits: PanelHit[] = (b?.hits ?? []).filter((h) => h.field === 'image')
        .map((h) => ({ ...h, field: 'image', id: hitId('image', h), quote: h.image?.alt || `#${h.start + 1}` }))
      const next = sortHits([...toPanelHits('title', title, t?.hits ?? []), ...toPanelHits('body', body, textHits), ...imageHits])
      setActiveId(null)
      load(next)
      return next
    } catch (err) {
      setError(err)
      throw err
    } finally {
      setRunning(false)
    }
  }, [editor, getTitle, load])

  // After the first placement the highlights move with the edits; restyle them where they are now.
  useEffect(() => {
    if (!hits) return
    const placed: Highlight[] = []
    for (const h of hits) {
      const range = h.field === 'body' ? findHighlight(editor, h.id) : null
      if (range) placed.push({ id: h.id, ...range, className: `rm-hl rm-hl-${h.severity}${h.id === activeId ? ' rm-hl-active' : ''}` })
    }
    setHighlights(editor, placed)
  }, [editor, hits, activeId])

  const locate = useCallback(
    (hit: PanelHit) => {
      setActiveId(hit.id)
      if (hit.field !== 'body') return
      const range = findHighlight(editor, hit.id)
      if (!range) return
      editor.commands.setTextSelection(range)
      editor.commands.scrollIntoView()
    },
    [editor],
  )

  /**
   * Replaces the flagged words with the suggestion. Returns false when the words are no longer
   * there as checked (edited since), so the caller can ask for a new check.
   */
  const apply = useCallback(
    (hit: PanelHit): boolean => {
      if (hit.suggestion === null) return false
      if (hit.field === 'title') {
        const title = getTitle()
        if (title.slice(hit.start, hit.end) !== hit.quote || !setTitle) return false
        setTitle(title.slice(0, hit.start) + hit.suggestion + title.slice(hit.end))
      } else {
        const range = findHighlight(editor, hit.id)
        const current = range ? editor.state.doc.textBetween(range.from, range.to).replace(/\s+/g, ' ') : null
        if (!range || current !== hit.quote.replace(/\s+/g, ' ')) return false
        editor.view.dispatch(editor.state.tr.insertText(hit.suggestion, range.from, range.to))
      }
      setHits((list) => list?.filter((h) => h.id !== hit.id) ?? null)
      return true
    },
    [editor, getTitle, setTitle],
  )

  const blocking = useMemo(() => hits?.filter((h) => h.severity === 'block' && !h.overrideId) ?? [], [hits])

  return { hits, load, activeId, setActiveId, isRunning, error, run, locate, apply, blocking }
}
